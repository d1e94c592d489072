#pragma once
// Turns one HTTP request into one AdmissionReview answer: picks the plugins by
// URL path (admission_routes.hpp), then by the request's resource and
// operation, asks each, and combines their verdicts. No sockets here, so unit
// tests call handle() directly; admission_server.hpp puts it behind HTTPS.
//
// Answers (HTTP status, then the AdmissionReview response):
//   200 allowed: every matching plugin allowed; warnings of all of them
//   200 denied:  the first plugin (in load order) that denied: its code
//                (403 when it gave none), message and every warning so far
//   200 denied:  a well-formed review that no plugin handles at this path
//                (fail closed: 403, logged). A path serves only the rules it
//                was derived from, so a DGD review sent to the DGDSA path is
//                not handled there even when one plugin declares both.
//   400 denied:  not an AdmissionReview admission.k8s.io/v1 (status.code 400,
//                reason BadRequest, the uid when it could be read; logged)
//   500 denied:  a plugin failed to review; kube-apiserver then applies the
//                webhook's failurePolicy (logged)
//   404 text:    an unknown path; 405 text: a method other than POST

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/admission/admission_metrics.hpp"
#include "host/admission/admission_plugin.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/net/message.hpp"

namespace dynop::host::admission {

class AdmissionDispatcher {
 public:
  // `registry` must outlive the dispatcher; the plugins are shared with
  // whoever else holds them and must stay usable while requests run.
  AdmissionDispatcher(std::vector<std::shared_ptr<AdmissionPlugin>> plugins,
                      metrics::Registry& registry);

  // Thread-safe: called by every server thread.
  net::Response handle(const net::Request& request) const;

  // Every path served, sorted (kGenericPath included).
  std::vector<std::string> paths() const;
  std::size_t plugin_count() const { return plugins_.size(); }

 private:
  std::vector<std::shared_ptr<AdmissionPlugin>> plugins_;
  // A plugin on a path, with the rules of its own that the path stands for:
  // a request at one rule's path is not judged by the plugin's other rules.
  struct Target {
    std::size_t plugin = 0;  // index into plugins_
    std::vector<AdmissionRule> rules;
  };
  struct Route {
    std::vector<Target> targets;  // in load order
    std::size_t metrics_slot = 0;
  };
  std::map<std::string, Route, std::less<>> routes_;
  std::unique_ptr<AdmissionMetrics> metrics_;
};

}  // namespace dynop::host::admission
