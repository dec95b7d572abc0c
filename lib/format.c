/*P:230 lib/format.c: the printf engine. An output cursor collects
 * characters, dropping those past the buffer's end but still counting them,
 * so truncation never overruns and the caller learns the size it needed.
 * Next: lib/bitmap.c. */
#include "lib/format.h"
#include "lib/string.h"
#include <stdint.h>

struct out {
	char *buf;
	size_t size, len;
};

struct spec {
	int left, zero, width, precision, longs;
	char conv;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

/* Emit digits with the sign already decided; zero padding goes between the
 * sign and the digits, space padding before the sign. */
static void put_number(struct out *o, const struct spec *s,
		       unsigned long long v, int negative)
{
	const char *digits = s->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = (s->conv == 'x' || s->conv == 'X' || s->conv == 'p') ? 16 :
			s->conv == 'o' ? 8 : 10;
	char tmp[24];
	int n = 0, i, width;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	width = n + negative;
	if (!s->left && !s->zero)
		pad(o, s->width - width, ' ');
	if (negative)
		put(o, '-');
	if (!s->left && s->zero)
		pad(o, s->width - width, '0');
	for (i = n - 1; i >= 0; i--)
		put(o, tmp[i]);
	if (s->left)
		pad(o, s->width - width, ' ');
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
	int n;

	if (!str)
		str = "(null)";
	n = (int)strnlen(str, s->precision >= 0 ? (size_t)s->precision : (size_t)-1);
	if (!s->left)
		pad(o, s->width - n, ' ');
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, s->width - n, ' ');
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->precision = -1;
	for (;; f++) {
		if (*f == '-')
			s->left = 1;
		else if (*f == '0')
			s->zero = 1;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		s->precision = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			s->precision = s->precision * 10 + (*f - '0');
	}
	while (*f == 'l' || *f == 'z') {
		s->longs += *f == 'l' ? 1 : 0;
		f++;
	}
	s->conv = *f;
	return f;
}

static unsigned long long get_unsigned(const struct spec *s, va_list *ap)
{
	if (s->longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (s->longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long get_signed(const struct spec *s, va_list *ap)
{
	if (s->longs >= 2)
		return va_arg(*ap, long long);
	if (s->longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void convert(struct out *o, struct spec *s, va_list *ap)
{
	long long v;

	switch (s->conv) {
	case 'd':
	case 'i':
		v = get_signed(s, ap);
		put_number(o, s, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		put_number(o, s, get_unsigned(s, ap), 0);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_number(o, s, (uintptr_t)va_arg(*ap, void *), 0);
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 's':
		put_string(o, s, va_arg(*ap, const char *));
		break;
	case '%':
		put(o, '%');
		break;
	default:	/* unknown conversion: print it literally */
		put(o, '%');
		if (s->conv)
			put(o, s->conv);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec s;
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		convert(&o, &s, &args);
		if (!*fmt)
			break;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int explain(int result, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return result;
}
