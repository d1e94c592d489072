#pragma once
// EventSink over the kube REST client (core/v1 events).

#include <memory>

#include "host/controller/event_recorder.hpp"
#include "host/kube/client.hpp"

namespace dynop::host::controller {

// `client` must outlive the result.
kube::Result<std::unique_ptr<EventSink>> make_kube_event_sink(kube::Client& client);

}  // namespace dynop::host::controller
