#include "lib/admission/admission_response.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::admission {
namespace {

namespace json = boost::json;

TEST(AdmissionEncodeResponse, AllowedWithWarningsAsInTrace) {
  // trace 07-webhook-02b, first response
  EXPECT_EQ(encode_response(allow("1fd7c26a-9a2c-41a3-88f0-f97386c625c4",
                                  {"spec.services[decode].autoscaling is deprecated and ignored"})),
            R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":)"
            R"({"uid":"1fd7c26a-9a2c-41a3-88f0-f97386c625c4","allowed":true,"warnings":)"
            R"(["spec.services[decode].autoscaling is deprecated and ignored"]}})");
}

TEST(AdmissionEncodeResponse, AllowedWithoutWarningsHasNoWarningsField) {
  EXPECT_EQ(encode_response(allow("u")),
            R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":)"
            R"({"uid":"u","allowed":true}})");
}

TEST(AdmissionEncodeResponse, DenialCarriesCodeMessageAndReason) {
  EXPECT_EQ(encode_response(deny("u", "no")),
            R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":)"
            R"({"uid":"u","allowed":false,"status":{"code":403,"message":"no",)"
            R"("reason":"Forbidden"}}})");
}

TEST(AdmissionEncodeResponse, StatusWritesOnlyItsSetFields) {
  AdmissionResponse response;
  response.uid = "u";
  response.status = ResponseStatus{403, "test denial message", ""};
  // trace 07-webhook-02b, second response
  EXPECT_EQ(
      encode_response(response),
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":)"
      R"({"uid":"u","allowed":false,"status":{"code":403,"message":"test denial message"}}})");
}

TEST(AdmissionEncodeResponse, MalformedRequestsAreBadRequests) {
  auto response = reject_malformed("u", "AdmissionReview request.uid is required");
  EXPECT_FALSE(response.allowed);
  ASSERT_TRUE(response.status.has_value());
  EXPECT_EQ(response.status->code, 400);
  EXPECT_EQ(response.status->reason, "BadRequest");
}

TEST(AdmissionEncodeResponse, EscapesMessagesAndWarnings) {
  const std::string message = "quote \" backslash \\ newline \n tab \t unicode \u00e9 ctl \x01";
  auto encoded = encode_response(deny("u", message, {message}));
  auto decoded = decode_response(encoded, "u");
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  EXPECT_EQ(decoded.response->status->message, message);
  EXPECT_EQ(decoded.response->warnings.front(), message);
}

TEST(AdmissionDecodeResponse, RoundTripsEveryShape) {
  for (const auto& response :
       {allow("a"), allow("b", {"w1", "w2"}), deny("c", "m", {"w"}), reject_malformed("d", "x")}) {
    auto decoded = decode_response(encode_response(response), response.uid);
    ASSERT_TRUE(decoded.ok()) << decoded.error;
    EXPECT_EQ(*decoded.response, response);
  }
}

TEST(AdmissionDecodeResponse, ReadsAPythonWebhooksAnswer) {
  // trace 07-webhook-02b as a hand-written webhook sent it (pretty, other field order).
  auto decoded = decode_response(R"({
    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "response": {"allowed": false, "uid": "3324",
                 "status": {"message": "test denial message", "code": 403}}})",
                                 "3324");
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  EXPECT_FALSE(decoded.response->allowed);
  EXPECT_EQ(decoded.response->status, (ResponseStatus{403, "test denial message", ""}));
}

TEST(AdmissionDecodeResponse, AbsentAllowedMeansDenied) {
  auto decoded = decode_response(
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u"}})",
      "u");
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  EXPECT_FALSE(decoded.response->allowed);
}

struct BadResponse {
  std::string name;
  std::string body;
  std::string error;
};

void PrintTo(const BadResponse& bad, std::ostream* os) { *os << bad.name; }

class AdmissionDecodeResponseError : public ::testing::TestWithParam<BadResponse> {};

TEST_P(AdmissionDecodeResponseError, IsWordedAsKubeApiserverWordsIt) {
  auto decoded = decode_response(GetParam().body, "u");
  ASSERT_FALSE(decoded.ok());
  if (GetParam().error.ends_with("...")) {
    EXPECT_TRUE(decoded.error.starts_with(GetParam().error.substr(0, GetParam().error.size() - 3)))
        << decoded.error;
  } else {
    EXPECT_EQ(decoded.error, GetParam().error);
  }
}

constexpr const char* kHead = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)";

INSTANTIATE_TEST_SUITE_P(
    Bodies, AdmissionDecodeResponseError,
    ::testing::Values(
        BadResponse{"NotJson", "<html>", "webhook response is not valid JSON: ..."},
        BadResponse{"Array", "[]",
                    "webhook response must be a JSON object (an AdmissionReview), got array"},
        BadResponse{"Absent", std::string(kHead) + R"("x":1})", "webhook response was absent"},
        BadResponse{"NullResponse", std::string(kHead) + R"("response":null})",
                    "webhook response was absent"},
        BadResponse{"OtherUid", std::string(kHead) + R"("response":{"uid":"v","allowed":true}})",
                    "expected response.uid=\"u\", got \"v\""},
        BadResponse{"NoUid", std::string(kHead) + R"("response":{"allowed":true}})",
                    "expected response.uid=\"u\", got \"\""},
        BadResponse{"V1beta1",
                    R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview",)"
                    R"("response":{"uid":"u","allowed":true}})",
                    "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got "
                    "admission.k8s.io/v1beta1, Kind=AdmissionReview"},
        BadResponse{"NoTypeMeta", R"({"response":{"uid":"u","allowed":true}})",
                    "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got "
                    "/, Kind="},
        BadResponse{"Patch",
                    std::string(kHead) + R"("response":{"uid":"u","allowed":true,"patch":"W10="}})",
                    "validating webhook may not return response.patch"},
        BadResponse{"PatchType",
                    std::string(kHead) +
                        R"("response":{"uid":"u","allowed":true,"patchType":"JSONPatch"}})",
                    "validating webhook may not return response.patchType"},
        BadResponse{"AllowedString",
                    std::string(kHead) + R"("response":{"uid":"u","allowed":"true"}})",
                    "webhook response response.allowed: expected a boolean, got string"},
        BadResponse{"StatusString",
                    std::string(kHead) + R"("response":{"uid":"u","allowed":false,"status":"no"}})",
                    "webhook response response.status: expected an object, got string"},
        BadResponse{"CodeString",
                    std::string(kHead) +
                        R"("response":{"uid":"u","allowed":false,"status":{"code":"403"}}})",
                    "webhook response response.status.code: expected an integer, got string"},
        BadResponse{"CodeHuge",
                    std::string(kHead) +
                        R"("response":{"uid":"u","allowed":false,"status":{"code":99999999999}}})",
                    "webhook response response.status.code: 99999999999 is out of range"},
        BadResponse{"WarningNumber",
                    std::string(kHead) + R"("response":{"uid":"u","allowed":true,"warnings":[1]}})",
                    "webhook response response.warnings[0]: expected a string, got number"}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace dynop::admission
