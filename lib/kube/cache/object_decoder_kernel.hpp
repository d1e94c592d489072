#pragma once
// Internal to object_decoder.cpp: one decoder implementation per simdjson
// kernel (see object_decoder_kernel.ipp).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "lib/kube/cache/object_decoder.hpp"

namespace dynop::kube {

class DecoderKernel {
 public:
  virtual ~DecoderKernel() = default;
  virtual Result<ObjectPtr> decode_object(std::string_view json) = 0;
  virtual Result<WatchEvent> decode_event(std::string_view line) = 0;
  virtual Result<ListPage> decode_list(std::string_view body,
                                       const std::function<void(ObjectPtr)>& item) = 0;
};

namespace kernel_generic {
std::unique_ptr<DecoderKernel> make_kernel(std::shared_ptr<const Projection> projection,
                                           std::string api_version, std::string kind);
}  // namespace kernel_generic
namespace kernel_haswell {
std::unique_ptr<DecoderKernel> make_kernel(std::shared_ptr<const Projection> projection,
                                           std::string api_version, std::string kind);
}  // namespace kernel_haswell

}  // namespace dynop::kube
