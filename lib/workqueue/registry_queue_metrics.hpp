#pragma once
// Work queue metrics exported through dynop::metrics::Registry, under the
// names controller-runtime uses so existing dashboards work:
//   workqueue_depth, workqueue_adds_total, workqueue_retries_total,
//   workqueue_queue_duration_seconds, workqueue_work_duration_seconds
// each labelled name="<queue name>".

#include <memory>
#include <string>

#include "lib/workqueue/queue_metrics.hpp"

namespace dynop::metrics {
class Registry;
}

namespace dynop::workqueue {

// `registry` must outlive the returned object.
std::unique_ptr<QueueMetrics> make_queue_metrics(metrics::Registry& registry,
                                                 const std::string& queue_name);

}  // namespace dynop::workqueue
