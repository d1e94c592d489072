// The decoder built for AVX2 (x86-64-v3), used when the CPU has it: simdjson
// On Demand is several times faster than the portable kernel.
#define DYNOP_DECODER_KERNEL kernel_haswell
#include "lib/kube/cache/object_decoder_kernel.ipp"
