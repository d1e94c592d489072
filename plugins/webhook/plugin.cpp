// Exports the webhook plugin (see webhook_plugin.hpp) as webhook.so.
#include "dynop/sdk/export.hpp"
#include "plugins/webhook/webhook_plugin.hpp"

DYNOP_PLUGIN(dynop::plugins::webhook::WebhookPlugin)
