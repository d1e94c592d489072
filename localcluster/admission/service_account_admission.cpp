#include "localcluster/admission/service_account_admission.hpp"

#include <boost/json.hpp>
#include <random>
#include <string>
#include <thread>

#include "lib/apimachinery/go_quote.hpp"
#include "localcluster/admission/admission_forbidden.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::admission {

namespace json = boost::json;

namespace {

constexpr const char* kDefault = "default";
constexpr int kDefaultLookups = 10;

// 100-200 ms, drawn once per request as the real plugin does.
std::chrono::milliseconds retry_interval() {
  thread_local std::minstd_rand random(std::random_device{}());
  return std::chrono::milliseconds(100 + static_cast<int>(random() % 100));
}

}  // namespace

std::optional<server::ApiError> ServiceAccountAdmission::admit(
    const server::AdmissionAttributes& attributes, json::object* pod) const {
  const ResourceType& type = *attributes.type;
  if (!type.group.empty() || type.plural != "pods" || !attributes.subresource.empty() ||
      attributes.operation != "CREATE" || pod == nullptr) {
    return std::nullopt;
  }
  auto& spec_value = (*pod)["spec"];
  if (!spec_value.is_object()) spec_value = json::object();
  auto& spec = spec_value.get_object();
  std::string account = server::string_at(&spec, "serviceAccountName");
  if (account.empty()) account = server::string_at(&spec, "serviceAccount");
  if (account.empty()) account = kDefault;
  spec["serviceAccountName"] = account;

  const std::string& ns = attributes.namespace_name;
  const int lookups = account == kDefault ? kDefaultLookups : 1;
  const auto interval = retry_interval();
  auto found = store_.get("serviceaccounts", ns, account);
  for (int attempt = 1; !found.ok() && attempt < lookups; ++attempt) {
    std::this_thread::sleep_for(interval);
    found = store_.get("serviceaccounts", ns, account);
  }
  if (!found.ok()) {
    return admission_forbidden(attributes, pod,
                               "error looking up service account " + ns + "/" + account +
                                   ": serviceaccount " + apimachinery::go_quote(account) +
                                   " not found");
  }
  const auto* pull = spec.if_contains("imagePullSecrets");
  if (!pull || !pull->is_array() || pull->get_array().empty()) {
    boost::system::error_code ec;
    json::value sa = json::parse(*found.value().json, ec);
    const json::value* secrets =
        !ec && sa.is_object() ? sa.get_object().if_contains("imagePullSecrets") : nullptr;
    if (secrets && secrets->is_array() && !secrets->get_array().empty()) {
      json::array names;
      for (const auto& secret : secrets->get_array()) {
        if (!secret.is_object()) continue;
        names.push_back(json::object{{"name", server::string_at(&secret.get_object(), "name")}});
      }
      spec["imagePullSecrets"] = std::move(names);
    }
  }
  return std::nullopt;
}

}  // namespace dynop::localcluster::admission
