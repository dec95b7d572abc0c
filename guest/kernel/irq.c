/*G:230 guest/kernel/irq.c: interrupt lines. A driver registers a handler
 * for its line and unmasks it; when the line fires, pup acknowledges it
 * (pv.irq_eoi: the PIC natively, nothing under kennel, where delivery
 * itself consumed it) and runs the handler, with interrupts off. A line
 * with no handler is acknowledged and forgotten. Next: memory, G:300. */
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/trap.h"

static irq_handler handlers[NR_IRQS];

void irq_register(uint32_t irq, irq_handler handler)
{
	if (irq < NR_IRQS)
		handlers[irq] = handler;
}

void irq_dispatch(uint32_t irq)
{
	pv.irq_eoi(irq);
	if (handlers[irq])
		handlers[irq]();
}
