#include "localcluster/admission/webhook_response.hpp"

#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/status.hpp"

namespace dynop::localcluster::admission {

namespace {

// lib/net reports "POST <url>: <cause>"; kube (Go's net/http) words the same
// failure `Post "<url>": <cause>`, and a deadline as "context deadline exceeded".
std::string transport_reason(std::string_view url, std::string_view error) {
  std::string cause(error);
  std::string prefix = "POST " + std::string(url) + ": ";
  if (cause.starts_with(prefix)) cause = cause.substr(prefix.size());
  if (cause == "timed out" || cause.ends_with(": timed out")) cause = "context deadline exceeded";
  return "failed to call webhook: Post " + apimachinery::go_quote(url) + ": " + cause;
}

}  // namespace

server::ApiError denial_error(std::string_view webhook_name,
                              const std::optional<dynop::admission::ResponseStatus>& status) {
  int code = 403;
  std::string message;
  std::string reason;
  if (status) {
    code = status->code == 0 ? 403 : (status->code < 400 ? 400 : status->code);
    message = status->message.empty() ? status->reason : status->message;
    reason = status->reason;
  }
  auto denied = apimachinery::admission_denied(webhook_name, message, code, reason);
  server::ApiError error;
  error.code = denied.code;
  error.reason = denied.reason;
  error.message = denied.message;
  return error;
}

server::ApiError call_error(std::string_view webhook_name, std::string_view reason) {
  return server::internal_error("failed calling webhook " + apimachinery::go_quote(webhook_name) +
                                ": " + std::string(reason));
}

server::ApiError dry_run_unsupported(std::string_view webhook_name) {
  return server::bad_request("admission webhook " + apimachinery::go_quote(webhook_name) +
                             " does not support dry run");
}

std::optional<server::ApiError> judge_failure(const Webhook& webhook, std::string_view reason) {
  if (webhook.failure_policy == FailurePolicy::kIgnore) return std::nullopt;
  return call_error(webhook.name, reason);
}

std::optional<server::ApiError> judge_call(const Webhook& webhook, const net::ClientResult& result,
                                           std::string_view url, std::string_view uid,
                                           std::vector<std::string>& warnings) {
  if (!result.ok()) return judge_failure(webhook, transport_reason(url, result.error));
  const auto& response = *result.response;
  if (response.status < 200 || response.status > 299) {
    return judge_failure(
        webhook, "failed to call webhook: the server responded with the status code " +
                     std::to_string(response.status) + " but did not return more information");
  }
  auto decoded = dynop::admission::decode_response(response.body, uid);
  if (!decoded.ok()) {
    return judge_failure(webhook, "received invalid webhook response: " + decoded.error);
  }
  for (auto& warning : decoded.response->warnings) warnings.push_back(std::move(warning));
  if (decoded.response->allowed) return std::nullopt;
  return denial_error(webhook.name, decoded.response->status);
}

}  // namespace dynop::localcluster::admission
