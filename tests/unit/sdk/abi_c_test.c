/* Compiles abi.h as C (C11), as a plugin written in C would, with the
 * size macros a C plugin uses to check the host's table. */
#include "dynop/abi.h"

const dynop_plugin_descriptor* dynop_abi_c_test_descriptor(void);
int dynop_abi_c_test_host_has_requeue_after(const dynop_host* host);

static const dynop_plugin_descriptor kDescriptor = {sizeof(dynop_plugin_descriptor),
                                                    DYNOP_ABI_VERSION_MAJOR,
                                                    DYNOP_ABI_VERSION_MINOR,
                                                    "c-plugin",
                                                    "1.0.0",
                                                    NULL,
                                                    DYNOP_CAP_AUTOSCALER,
                                                    {NULL, NULL, NULL, NULL},
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    NULL};

const dynop_plugin_descriptor* dynop_abi_c_test_descriptor(void) { return &kDescriptor; }

int dynop_abi_c_test_host_has_requeue_after(const dynop_host* host) {
  return DYNOP_HOST_HAS(host, requeue_after) ? 1 : 0;
}
