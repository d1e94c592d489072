#include "localcluster/builtin/autoscaling/hpa_decoding.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::autoscaling {
namespace {

namespace json = boost::json;

json::object hpa(const char* spec) {
  return json::parse(std::string(R"({"spec":)") + spec + "}").as_object();
}

// scaleTargetRef is checked the same way in both versions; only the Go
// type's package differs, as encoding/json names it.
TEST(HpaDecoding, ScaleTargetRefErrorsNameTheVersionsGoType) {
  EXPECT_EQ(hpa_decode_error(hpa(R"({"scaleTargetRef":"web"})")),
            "json: cannot unmarshal string into Go struct field "
            "HorizontalPodAutoscalerSpec.spec.scaleTargetRef of type "
            "v2.CrossVersionObjectReference");
  EXPECT_EQ(hpa_v1_decode_error(hpa(R"({"scaleTargetRef":"web"})")),
            "json: cannot unmarshal string into Go struct field "
            "HorizontalPodAutoscalerSpec.spec.scaleTargetRef of type "
            "v1.CrossVersionObjectReference");
  for (auto decode : {hpa_decode_error, hpa_v1_decode_error}) {
    EXPECT_EQ(decode(hpa(R"({"scaleTargetRef":{"kind":"Deployment","name":3}})")),
              "json: cannot unmarshal number into Go struct field "
              "CrossVersionObjectReference.spec.scaleTargetRef.name of type string");
    EXPECT_EQ(decode(hpa(R"({"scaleTargetRef":{"apiVersion":true}})")),
              "json: cannot unmarshal bool into Go struct field "
              "CrossVersionObjectReference.spec.scaleTargetRef.apiVersion of type string");
    EXPECT_EQ(decode(hpa(R"({"scaleTargetRef":{"kind":"Deployment","name":"web"},)"
                         R"("maxReplicas":2})")),
              std::nullopt);
  }
}

}  // namespace
}  // namespace dynop::localcluster::autoscaling
