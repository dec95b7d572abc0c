#T:865 tests/bench/build.mk: the profiling plugin (T:855), a shared object
# for the build machine's QEMU, built natively like the unit tests. It is
# built by `make profile` only, so `make` needs nothing more than before.
PROFILE_PLUGIN := $(BUILD)/tests/bench/profile_plugin.so

$(PROFILE_PLUGIN): tests/bench/profile_plugin.c tests/bench/qemu_plugin.h arch/x86/bench_mark.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -shared -fPIC -fvisibility=hidden -o $@ $<
