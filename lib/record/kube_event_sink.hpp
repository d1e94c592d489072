#pragma once
// EventSink over the kube REST client (core/v1 events).

#include <memory>

#include "lib/kube/client/client.hpp"
#include "lib/record/event_recorder.hpp"

namespace dynop::record {

// `client` must outlive the result.
kube::Result<std::unique_ptr<EventSink>> make_kube_event_sink(kube::Client& client);

}  // namespace dynop::record
