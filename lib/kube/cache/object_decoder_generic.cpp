// The decoder for any CPU (simdjson's best kernel for the compile flags).
#define DYNOP_DECODER_KERNEL kernel_generic
#include "lib/kube/cache/object_decoder_kernel.ipp"
