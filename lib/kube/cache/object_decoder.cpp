#include "lib/kube/cache/object_decoder.hpp"

#include "lib/kube/cache/object_decoder_kernel.hpp"

namespace dynop::kube {

const char* to_string(EventType type) {
  switch (type) {
    case EventType::kAdded:
      return "ADDED";
    case EventType::kModified:
      return "MODIFIED";
    case EventType::kDeleted:
      return "DELETED";
    case EventType::kBookmark:
      return "BOOKMARK";
    case EventType::kError:
      return "ERROR";
  }
  return "ERROR";
}

namespace {

bool use_haswell() {
#if defined(DYNOP_HAVE_HASWELL_DECODER)
  static const bool supported = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("pclmul");
  }();
  return supported;
#else
  return false;
#endif
}

}  // namespace

struct ObjectDecoder::Impl {
  std::unique_ptr<DecoderKernel> kernel;
};

ObjectDecoder::ObjectDecoder(std::shared_ptr<const Projection> projection, std::string api_version,
                             std::string kind)
    : impl_(std::make_unique<Impl>()) {
#if defined(DYNOP_HAVE_HASWELL_DECODER)
  if (use_haswell()) {
    impl_->kernel =
        kernel_haswell::make_kernel(std::move(projection), std::move(api_version), std::move(kind));
    return;
  }
#endif
  (void)use_haswell;
  impl_->kernel =
      kernel_generic::make_kernel(std::move(projection), std::move(api_version), std::move(kind));
}

ObjectDecoder::~ObjectDecoder() = default;

Result<ObjectPtr> ObjectDecoder::decode_object(std::string_view json) {
  return impl_->kernel->decode_object(json);
}

Result<WatchEvent> ObjectDecoder::decode_event(std::string_view line) {
  return impl_->kernel->decode_event(line);
}

Result<ListPage> ObjectDecoder::decode_list(std::string_view body,
                                            const std::function<void(ObjectPtr)>& item) {
  return impl_->kernel->decode_list(body, item);
}

}  // namespace dynop::kube
