#include "host/admission/admission_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "host/admission/admission_routes.hpp"
#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"

namespace dynop::host::admission {

namespace adm = dynop::admission;

namespace {

std::string_view reason_for(std::int32_t code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return "";
  }
}

net::Response review_response(unsigned http_status, const adm::AdmissionResponse& answer) {
  return net::Response::json(http_status, adm::encode_response(answer));
}

bool is_json_content_type(std::string_view value) {
  // "application/json" with optional parameters ("; charset=utf-8").
  std::string_view type = value.substr(0, value.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type.size() != 16) return false;
  return std::equal(type.begin(), type.end(), "application/json", [](char a, char b) {
    return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
  });
}

std::string describe(const adm::AdmissionRequest& request) {
  std::string resource = request.resource.group.empty()
                             ? request.resource.version
                             : request.resource.group + "/" + request.resource.version;
  resource += " " + request.resource.resource;
  if (!request.sub_resource.empty()) resource += "/" + request.sub_resource;
  std::string object =
      request.namespace_.empty() ? request.name : request.namespace_ + "/" + request.name;
  return std::string(adm::to_string(request.operation)) + " " + resource + " " + object;
}

}  // namespace

AdmissionDispatcher::AdmissionDispatcher(std::vector<std::shared_ptr<AdmissionPlugin>> plugins,
                                         metrics::Registry& registry)
    : plugins_(std::move(plugins)) {
  auto& generic = routes_[std::string(kGenericPath)].targets;
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    generic.push_back(Target{i, plugins_[i]->rules()});
    for (const auto& rule : plugins_[i]->rules()) {
      auto path = webhook_path(rule);
      if (!path) continue;
      auto& targets = routes_[*path].targets;
      if (targets.empty() || targets.back().plugin != i) targets.push_back(Target{i, {}});
      targets.back().rules.push_back(rule);
    }
  }
  std::vector<std::string> paths;
  for (auto& [path, route] : routes_) {
    route.metrics_slot = paths.size();
    paths.push_back(path);
  }
  std::vector<std::string> names;
  for (const auto& plugin : plugins_) names.push_back(plugin->name());
  metrics_ = std::make_unique<AdmissionMetrics>(registry, std::move(paths), std::move(names));
}

std::vector<std::string> AdmissionDispatcher::paths() const {
  std::vector<std::string> out;
  for (const auto& [path, _] : routes_) out.push_back(path);
  return out;
}

net::Response AdmissionDispatcher::handle(const net::Request& request) const {
  const auto started = std::chrono::steady_clock::now();
  const std::string_view path = request.path();
  auto route = routes_.find(path);
  if (route == routes_.end()) {
    metrics_->count(metrics_->unknown_path(), std::nullopt, ReviewResult::kNotFound);
    std::string served;
    for (const auto& [p, _] : routes_) served += (served.empty() ? "" : ", ") + p;
    return net::Response::text(
        404, "no admission webhook at " + std::string(path) + "; served paths: " + served + "\n");
  }
  if (request.method() != "POST") {
    net::Response r = net::Response::text(405, "admission reviews are POSTed\n");
    r.set_header("Allow", "POST");
    return r;
  }

  const std::size_t slot = route->second.metrics_slot;
  auto finish = [&](std::optional<adm::Operation> operation, ReviewResult result,
                    net::Response response) {
    metrics_->count(slot, operation, result);
    metrics_->observe_seconds(
        slot, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return response;
  };
  auto malformed = [&](std::string uid, std::string message) {
    const std::string& from = request.remote_address();
    spdlog::warn("admission {}: malformed request{}{}: {}", path, from.empty() ? "" : " from ",
                 from, message);
    return finish(std::nullopt, ReviewResult::kMalformed,
                  review_response(400, adm::reject_malformed(std::move(uid), std::move(message))));
  };

  if (request.has_header("Content-Type") && !is_json_content_type(request.header("Content-Type"))) {
    return malformed("", "unsupported Content-Type \"" +
                             std::string(request.header("Content-Type")) +
                             "\": expected application/json");
  }
  if (request.body().empty()) {
    return malformed("", "empty body: expected an AdmissionReview (admission.k8s.io/v1) as JSON");
  }
  adm::DecodeOptions options;
  options.object_texts = false;  // plugins read the objects from request_json
  adm::RequestDecodeResult decoded = adm::decode_request(request.body(), options);
  if (!decoded.ok()) return malformed(std::move(decoded.uid), std::move(decoded.error));
  const adm::AdmissionRequest& review = *decoded.request;
  const adm::Operation operation = review.operation;

  std::vector<std::string> warnings;
  bool handled = false;
  for (const Target& target : route->second.targets) {
    AdmissionPlugin& plugin = *plugins_[target.plugin];
    const auto& rules = target.rules;
    if (std::none_of(rules.begin(), rules.end(),
                     [&](const AdmissionRule& rule) { return rule_matches(rule, review); })) {
      continue;
    }
    handled = true;
    PluginVerdict verdict;
    try {
      verdict = plugin.review(decoded.request_json);
    } catch (const std::exception& e) {
      verdict = PluginVerdict::failure(std::string("threw: ") + e.what());
    } catch (...) {
      verdict = PluginVerdict::failure("threw a non-standard exception");
    }
    if (!verdict.ok) {
      std::string message = "admission plugin \"" + plugin.name() + "\" failed to review " +
                            describe(review) + ": " + verdict.error;
      spdlog::error("admission {}: {}", path, message);
      adm::AdmissionResponse answer;
      answer.uid = review.uid;
      answer.status = adm::ResponseStatus{500, std::move(message), "InternalError"};
      return finish(operation, ReviewResult::kError, review_response(500, answer));
    }
    for (auto& w : verdict.warnings) warnings.push_back(std::move(w));
    if (!verdict.allowed) {
      const std::int32_t code = verdict.code == 0 ? 403 : verdict.code;
      spdlog::info("admission {}: plugin {} denied {} by {}: {}", path, plugin.name(),
                   describe(review), review.user_info.username, verdict.message);
      metrics_->denial(slot, operation, target.plugin);
      adm::AdmissionResponse answer;
      answer.uid = review.uid;
      answer.status =
          adm::ResponseStatus{code, std::move(verdict.message), std::string(reason_for(code))};
      answer.warnings = std::move(warnings);
      return finish(operation, ReviewResult::kDenied, review_response(200, answer));
    }
  }
  if (!handled) {
    std::string message = "no admission plugin of this dynop handles " + describe(review) + " at " +
                          std::string(path) +
                          " (denied: the webhook fails closed; check the "
                          "ValidatingWebhookConfiguration's rules and the loaded plugins)";
    spdlog::warn("admission {}: {}", path, message);
    metrics_->denial(slot, operation, std::nullopt);
    return finish(operation, ReviewResult::kDenied,
                  review_response(200, adm::deny(review.uid, std::move(message))));
  }
  return finish(operation, ReviewResult::kAllowed,
                review_response(200, adm::allow(review.uid, std::move(warnings))));
}

}  // namespace dynop::host::admission
