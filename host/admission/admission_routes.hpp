#pragma once
// Which URL paths the admission server serves and which plugin rules match a
// request. Paths follow the controller-runtime/kubebuilder convention that
// upstream's ValidatingWebhookConfiguration uses:
//   /validate-<group with dots as dashes>-<version>-<singular resource>
//   e.g. /validate-nvidia-com-v1alpha1-dynamographdeployment
// plus kGenericPath, which serves every plugin.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/admission/admission_plugin.hpp"
#include "lib/admission/admission_request.hpp"

namespace dynop::host::admission {

// Serves every plugin, dispatching by resource and operation alone.
inline constexpr std::string_view kGenericPath = "/validate";

// The singular of a plural resource name, by English suffix rules
// ("policies" -> "policy", "ingresses" -> "ingress", "dynamographdeployments"
// -> "dynamographdeployment"). Rules name resources by plural, but the
// webhook path names the kind; the singular lowercased is the kind for every
// resource that follows Kubernetes' own naming.
std::string singular_of(std::string_view plural);

// The path for a rule, or nullopt when the rule uses wildcards in group,
// version or resource (such a rule is served on kGenericPath only).
// A subresource rule ("x/scale") has the path of its resource.
std::optional<std::string> webhook_path(const AdmissionRule& rule);

// DYNOP_OP_* bit of an operation.
std::uint32_t operation_bit(dynop::admission::Operation operation);

// Whether `rule` covers this request (group, version, resource with
// subresource, operation), with the wildcards of AdmissionRule.
bool rule_matches(const AdmissionRule& rule, const dynop::admission::AdmissionRequest& request);

}  // namespace dynop::host::admission
