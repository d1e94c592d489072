#pragma once
// How kube-apiserver turns a webhook call into the answer the client sees:
//   denied   -> the webhook's status code (403 when it gave none, 400 when it
//               gave one below 400), its reason, and the message
//               `admission webhook "<name>" denied the request: <message>`
//               (trace 07-webhook-05);
//   warnings -> `Warning: 299 - "<text>"` headers, allowed or denied
//               (trace 07-webhook-04);
//   call failed (connect, TLS, timeout, non-200, bad AdmissionReview) ->
//               failurePolicy Ignore: admitted; Fail: 500 InternalError
//               `Internal error occurred: failed calling webhook "<name>": ...`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/admission/admission_response.hpp"
#include "lib/net/http_client.hpp"
#include "localcluster/admission/webhook_config.hpp"
#include "localcluster/server/api_error.hpp"

namespace dynop::localcluster::admission {

server::ApiError denial_error(std::string_view webhook_name,
                              const std::optional<dynop::admission::ResponseStatus>& status);

// 500 InternalError for a webhook that could not be called; `reason` is what
// went wrong ("failed to call webhook: Post \"...\": context deadline exceeded").
server::ApiError call_error(std::string_view webhook_name, std::string_view reason);

// 400 for a dryRun request to a webhook whose sideEffects are Some/Unknown.
server::ApiError dry_run_unsupported(std::string_view webhook_name);

// The whole judgement of one call: `result` is the HTTP exchange with `url`,
// `uid` the AdmissionReview's request uid. Appends the webhook's warnings;
// returns the error to answer with, or nullopt to admit.
std::optional<server::ApiError> judge_call(const Webhook& webhook, const net::ClientResult& result,
                                           std::string_view url, std::string_view uid,
                                           std::vector<std::string>& warnings);

// What judge_call does when the call could not be made at all (bad
// clientConfig, TLS setup): admit under Ignore, else call_error.
std::optional<server::ApiError> judge_failure(const Webhook& webhook, std::string_view reason);

}  // namespace dynop::localcluster::admission
