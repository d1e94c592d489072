// An audit Event line as kube-apiserver writes it at level Metadata: the
// fields and their names, omitempty where kube omits, MicroTime timestamps.

#include "localcluster/audit/audit_event.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::audit {
namespace {

using std::chrono::system_clock;

Event scale_patch_as_operator() {
  Event event;
  event.audit_id = "6b27d117-b656-4ede-ac17-9b04561eab10";
  event.request_uri =
      "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/"
      "sglang-agg-decode/scale";
  event.verb = "patch";
  event.user = {"admin", "admin-uid", {"system:masters", "system:authenticated"}, {}};
  event.impersonated_user = admission::UserInfo{
      "system:serviceaccount:dynop-system:dynop",
      "",
      {"system:serviceaccounts", "system:serviceaccounts:dynop-system", "system:authenticated"},
      {}};
  event.source_ips = {"127.0.0.1"};
  event.user_agent = "dynop/0.1";
  event.object_ref = ObjectRef{"dynamographdeploymentscalingadapters",
                               "default",
                               "sglang-agg-decode",
                               "nvidia.com",
                               "v1alpha1",
                               "scale"};
  event.code = 200;
  event.request_received = system_clock::time_point(std::chrono::microseconds(1764979200123456));
  event.stage_time = event.request_received + std::chrono::microseconds(2500);
  return event;
}

TEST(AuditEvent, MetadataLevelEventWithImpersonationAsKubeApiserverWritesIt) {
  const std::string line = to_json_line(scale_patch_as_operator());
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one line per event";
  const boost::json::value parsed = boost::json::parse(line);
  const boost::json::value expected = boost::json::parse(R"({
    "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
    "auditID": "6b27d117-b656-4ede-ac17-9b04561eab10", "stage": "ResponseComplete",
    "requestURI": "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/sglang-agg-decode/scale",
    "verb": "patch",
    "user": {"username": "admin", "uid": "admin-uid",
             "groups": ["system:masters", "system:authenticated"]},
    "impersonatedUser": {"username": "system:serviceaccount:dynop-system:dynop",
                         "groups": ["system:serviceaccounts", "system:serviceaccounts:dynop-system",
                                    "system:authenticated"]},
    "sourceIPs": ["127.0.0.1"], "userAgent": "dynop/0.1",
    "objectRef": {"resource": "dynamographdeploymentscalingadapters", "namespace": "default",
                  "name": "sglang-agg-decode", "apiGroup": "nvidia.com", "apiVersion": "v1alpha1",
                  "subresource": "scale"},
    "responseStatus": {"metadata": {}, "code": 200},
    "requestReceivedTimestamp": "2025-12-06T00:00:00.123456Z",
    "stageTimestamp": "2025-12-06T00:00:00.125956Z"
  })");
  EXPECT_EQ(parsed, expected) << line;
}

TEST(AuditEvent, CoreGroupListAndNonResourceRequestsLeaveEmptyFieldsOut) {
  Event list = scale_patch_as_operator();
  list.verb = "list";
  list.impersonated_user.reset();
  list.user_agent.clear();
  list.object_ref = ObjectRef{"pods", "", "", "", "v1", ""};
  const auto parsed = boost::json::parse(to_json_line(list)).as_object();
  EXPECT_FALSE(parsed.contains("impersonatedUser"));
  EXPECT_FALSE(parsed.contains("userAgent"));
  EXPECT_EQ(parsed.at("objectRef"), boost::json::parse(R"({"resource":"pods","apiVersion":"v1"})"));

  Event discovery = scale_patch_as_operator();
  discovery.verb = "get";
  discovery.request_uri = "/apis";
  discovery.object_ref.reset();
  EXPECT_FALSE(boost::json::parse(to_json_line(discovery)).as_object().contains("objectRef"));
}

TEST(AuditEvent, AWatchStreamsHeadIsResponseStarted) {
  Event watch = scale_patch_as_operator();
  watch.stage = "ResponseStarted";
  EXPECT_EQ(boost::json::parse(to_json_line(watch)).at("stage"), "ResponseStarted");
}

}  // namespace
}  // namespace dynop::localcluster::audit
