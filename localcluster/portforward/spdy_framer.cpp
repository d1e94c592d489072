#include "localcluster/portforward/spdy_framer.hpp"

#include <stdexcept>

#include "localcluster/portforward/spdy_dictionary.hpp"

namespace dynop::localcluster::portforward {
namespace {

constexpr std::uint16_t kVersion = 3;
constexpr std::size_t kFrameHeader = 8;
// Header blocks are small (a handful of names); more is a broken peer.
constexpr std::size_t kMaxHeaderBlock = 256 * 1024;

std::uint32_t be32(std::string_view b, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

void put32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

std::string control(SpdyFrameType type, std::uint8_t flags, std::string_view payload) {
  std::string out;
  put16(out, static_cast<std::uint16_t>(0x8000 | kVersion));
  put16(out, static_cast<std::uint16_t>(type));
  put32(out,
        (static_cast<std::uint32_t>(flags) << 24) | static_cast<std::uint32_t>(payload.size()));
  out += payload;
  return out;
}

const Bytef* dictionary_bytes() {
  return reinterpret_cast<const Bytef*>(spdy3_header_dictionary().data());
}
uInt dictionary_size() { return static_cast<uInt>(spdy3_header_dictionary().size()); }

}  // namespace

SpdyReader::SpdyReader() { inflate_ready_ = inflateInit(&inflate_) == Z_OK; }

SpdyReader::~SpdyReader() {
  if (inflate_ready_) inflateEnd(&inflate_);
}

bool SpdyReader::decode_headers(std::string_view block, SpdyHeaders& out, std::string& error) {
  if (!inflate_ready_) {
    error = "zlib inflate could not be set up";
    return false;
  }
  std::string plain;
  inflate_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
  inflate_.avail_in = static_cast<uInt>(block.size());
  char chunk[4096];
  while (inflate_.avail_in > 0) {
    inflate_.next_out = reinterpret_cast<Bytef*>(chunk);
    inflate_.avail_out = sizeof(chunk);
    int rc = inflate(&inflate_, Z_SYNC_FLUSH);
    if (rc == Z_NEED_DICT) {
      if (inflateSetDictionary(&inflate_, dictionary_bytes(), dictionary_size()) != Z_OK) {
        error = "the header block's zlib dictionary is not SPDY/3's";
        return false;
      }
      rc = inflate(&inflate_, Z_SYNC_FLUSH);
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
      error = std::string("bad compressed header block: ") + (inflate_.msg ? inflate_.msg : "zlib");
      return false;
    }
    plain.append(chunk, sizeof(chunk) - inflate_.avail_out);
    if (plain.size() > kMaxHeaderBlock) {
      error = "header block too large";
      return false;
    }
    if (rc == Z_BUF_ERROR && inflate_.avail_out != 0) break;
  }
  // 32-bit count, then (32-bit length, name, 32-bit length, value) pairs.
  auto fail = [&] {
    error = "malformed header block";
    return false;
  };
  if (plain.size() < 4) return fail();
  std::size_t at = 4;
  const std::uint32_t count = be32(plain, 0);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (at + 4 > plain.size()) return fail();
    const std::uint32_t n = be32(plain, at);
    if (at + 4 + n + 4 > plain.size()) return fail();
    std::string name = plain.substr(at + 4, n);
    at += 4 + n;
    const std::uint32_t v = be32(plain, at);
    if (at + 4 + v > plain.size()) return fail();
    out[std::move(name)] = plain.substr(at + 4, v);
    at += 4 + v;
  }
  return true;
}

std::optional<SpdyFrame> SpdyReader::next(std::string& error) {
  if (buffer_.size() < kFrameHeader) return std::nullopt;
  const std::uint32_t word = be32(buffer_, 0);
  const std::uint32_t flags_length = be32(buffer_, 4);
  const std::uint32_t length = flags_length & 0xffffff;
  if (buffer_.size() < kFrameHeader + length) return std::nullopt;
  const std::string_view payload(buffer_.data() + kFrameHeader, length);
  SpdyFrame frame;
  frame.flags = static_cast<std::uint8_t>(flags_length >> 24);
  bool ok = true;
  if ((word & 0x80000000u) == 0) {
    frame.type = SpdyFrameType::kData;
    frame.stream_id = word & 0x7fffffff;
    frame.data = std::string(payload);
  } else {
    const std::uint16_t version = static_cast<std::uint16_t>((word >> 16) & 0x7fff);
    if (version != kVersion) {
      error = "SPDY version " + std::to_string(version) + " (only 3 is spoken)";
      return std::nullopt;
    }
    frame.type = static_cast<SpdyFrameType>(word & 0xffff);
    switch (frame.type) {
      case SpdyFrameType::kSynStream:
        // stream id, associated stream id, priority and slot, header block
        ok = length >= 10 && (frame.stream_id = be32(payload, 0) & 0x7fffffff, true) &&
             decode_headers(payload.substr(10), frame.headers, error);
        break;
      case SpdyFrameType::kSynReply:
      case SpdyFrameType::kHeaders:
        ok = length >= 4 && (frame.stream_id = be32(payload, 0) & 0x7fffffff, true) &&
             decode_headers(payload.substr(4), frame.headers, error);
        break;
      case SpdyFrameType::kRstStream:
      case SpdyFrameType::kWindowUpdate:
        ok = length == 8;
        if (ok) {
          frame.stream_id = be32(payload, 0) & 0x7fffffff;
          frame.value = be32(payload, 4);
        }
        break;
      case SpdyFrameType::kGoAway:
        ok = length == 8;
        if (ok) frame.value = be32(payload, 4);
        break;
      case SpdyFrameType::kPing:
        ok = length == 4;
        if (ok) frame.value = be32(payload, 0);
        break;
      default:
        break;  // SETTINGS and frame types we do not use: skipped
    }
    if (!ok && error.empty()) {
      error = "malformed control frame of type " + std::to_string(word & 0xffff);
    }
  }
  buffer_.erase(0, kFrameHeader + length);
  if (!ok) return std::nullopt;
  return frame;
}

SpdyWriter::SpdyWriter() {
  if (deflateInit(&deflate_, Z_BEST_COMPRESSION) != Z_OK ||
      deflateSetDictionary(&deflate_, dictionary_bytes(), dictionary_size()) != Z_OK) {
    throw std::runtime_error("zlib deflate could not be set up");
  }
}

SpdyWriter::~SpdyWriter() { deflateEnd(&deflate_); }

std::string SpdyWriter::header_block(const SpdyHeaders& headers) {
  std::string plain;
  put32(plain, static_cast<std::uint32_t>(headers.size()));
  for (const auto& [name, value] : headers) {
    put32(plain, static_cast<std::uint32_t>(name.size()));
    plain += name;
    put32(plain, static_cast<std::uint32_t>(value.size()));
    plain += value;
  }
  std::string out;
  deflate_.next_in = reinterpret_cast<Bytef*>(plain.data());
  deflate_.avail_in = static_cast<uInt>(plain.size());
  char chunk[4096];
  do {
    deflate_.next_out = reinterpret_cast<Bytef*>(chunk);
    deflate_.avail_out = sizeof(chunk);
    deflate(&deflate_, Z_SYNC_FLUSH);
    out.append(chunk, sizeof(chunk) - deflate_.avail_out);
  } while (deflate_.avail_out == 0);
  return out;
}

std::string SpdyWriter::syn_reply(std::uint32_t stream_id, const SpdyHeaders& headers, bool fin) {
  std::string payload;
  put32(payload, stream_id & 0x7fffffff);
  payload += header_block(headers);
  return control(SpdyFrameType::kSynReply, fin ? kSpdyFlagFin : 0, payload);
}

std::string SpdyWriter::syn_stream(std::uint32_t stream_id, const SpdyHeaders& headers, bool fin) {
  std::string payload;
  put32(payload, stream_id & 0x7fffffff);
  put32(payload, 0);  // associated stream
  put16(payload, 0);  // priority, slot
  payload += header_block(headers);
  return control(SpdyFrameType::kSynStream, fin ? kSpdyFlagFin : 0, payload);
}

std::string SpdyWriter::data(std::uint32_t stream_id, std::string_view payload, bool fin) {
  std::string out;
  do {
    const std::size_t n = std::min<std::size_t>(payload.size(), kSpdyMaxDataLength);
    const bool last = n == payload.size();
    put32(out, stream_id & 0x7fffffff);
    put32(out, (static_cast<std::uint32_t>(last && fin ? kSpdyFlagFin : 0) << 24) |
                   static_cast<std::uint32_t>(n));
    out.append(payload.substr(0, n));
    payload.remove_prefix(n);
  } while (!payload.empty());
  return out;
}

std::string SpdyWriter::rst_stream(std::uint32_t stream_id, std::uint32_t status) {
  std::string payload;
  put32(payload, stream_id & 0x7fffffff);
  put32(payload, status);
  return control(SpdyFrameType::kRstStream, 0, payload);
}

std::string SpdyWriter::ping(std::uint32_t id) {
  std::string payload;
  put32(payload, id);
  return control(SpdyFrameType::kPing, 0, payload);
}

std::string SpdyWriter::go_away(std::uint32_t last_good_stream_id, std::uint32_t status) {
  std::string payload;
  put32(payload, last_good_stream_id & 0x7fffffff);
  put32(payload, status);
  return control(SpdyFrameType::kGoAway, 0, payload);
}

}  // namespace dynop::localcluster::portforward
