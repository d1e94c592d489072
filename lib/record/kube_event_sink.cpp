#include "lib/record/kube_event_sink.hpp"

namespace dynop::record {
namespace {

class KubeEventSink final : public EventSink {
 public:
  KubeEventSink(kube::Client& client, kube::ResourceInfo events)
      : client_(client), events_(std::move(events)) {}
  kube::Result<std::string> create(const std::string& ns, const std::string& event_json) override {
    return client_.create(events_, ns, event_json);
  }
  kube::Result<std::string> patch(const std::string& ns, const std::string& name,
                                  const std::string& merge_patch) override {
    return client_.patch(events_, ns, name, kube::PatchType::kMerge, merge_patch);
  }

 private:
  kube::Client& client_;
  kube::ResourceInfo events_;
};

}  // namespace

kube::Result<std::unique_ptr<EventSink>> make_kube_event_sink(kube::Client& client) {
  auto events = client.resource_for("v1", "Event");
  if (!events) return std::move(events).error();
  return std::unique_ptr<EventSink>(std::make_unique<KubeEventSink>(client, *events));
}

}  // namespace dynop::record
