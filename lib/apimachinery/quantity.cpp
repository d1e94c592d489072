#include "lib/apimachinery/quantity.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <optional>

namespace dynop::apimachinery {
namespace {

__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

constexpr std::string_view kErrFormatWrong =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view kErrNumeric = "unable to parse numeric value";
constexpr std::string_view kErrSuffix = "unable to parse quantity's suffix";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Parts {
  bool positive = true;
  std::string_view value, num, denom, suffix;
};

// parseQuantityString, line for line.
bool parse_quantity_string(std::string_view str, Parts& p) {
  size_t pos = 0;
  size_t end = str.size();
  if (pos < end) {
    if (str[0] == '-') {
      p.positive = false;
      ++pos;
    } else if (str[0] == '+') {
      ++pos;
    }
  }
  for (size_t i = pos;; ++i) {
    if (i >= end) {
      p.num = "0";
      p.value = p.num;
      return true;
    }
    if (str[i] == '0') {
      ++pos;
    } else {
      break;
    }
  }
  for (size_t i = pos;; ++i) {
    if (i >= end) {
      p.num = str.substr(pos, end - pos);
      p.value = str.substr(0, end);
      return true;
    }
    if (!is_digit(str[i])) {
      p.num = str.substr(pos, i - pos);
      pos = i;
      break;
    }
  }
  if (p.num.empty()) p.num = "0";
  if (pos < end && str[pos] == '.') {
    ++pos;
    for (size_t i = pos;; ++i) {
      if (i >= end) {
        p.denom = str.substr(pos, end - pos);
        p.value = str.substr(0, end);
        return true;
      }
      if (!is_digit(str[i])) {
        p.denom = str.substr(pos, i - pos);
        pos = i;
        break;
      }
    }
  }
  p.value = str.substr(0, pos);
  size_t suffix_start = pos;
  for (size_t i = pos;; ++i) {
    if (i >= end) {
      p.suffix = str.substr(suffix_start);
      return true;
    }
    if (std::string_view("eEinumkKMGTP").find(str[i]) == std::string_view::npos) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) ++pos;
  for (size_t i = pos;; ++i) {
    if (i >= end) {
      p.suffix = str.substr(suffix_start);
      return true;
    }
    if (!is_digit(str[i])) break;
  }
  return false;
}

std::optional<int64_t> parse_int64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return std::nullopt;
  UInt128 v = 0;
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return std::nullopt;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
    if (v > static_cast<UInt128>(INT64_MAX) + 1) return std::nullopt;
  }
  if (!neg && v > static_cast<UInt128>(INT64_MAX)) return std::nullopt;
  return neg ? static_cast<int64_t>(-static_cast<Int128>(v)) : static_cast<int64_t>(v);
}

struct SuffixInfo {
  int base;
  int32_t exponent;
  Quantity::Format format;
};

std::optional<SuffixInfo> interpret(std::string_view s) {
  using F = Quantity::Format;
  static constexpr std::pair<std::string_view, int> kDec[] = {
      {"n", -9}, {"u", -6}, {"m", -3}, {"", 0},   {"k", 3},
      {"M", 6},  {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18}};
  static constexpr std::pair<std::string_view, int> kBin[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30},
                                                              {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (auto& [k, e] : kDec) {
    if (s == k) return SuffixInfo{10, e, F::kDecimalSI};
  }
  for (auto& [k, e] : kBin) {
    if (s == k) return SuffixInfo{2, e, F::kBinarySI};
  }
  if (s.size() > 1 && (s[0] == 'E' || s[0] == 'e')) {
    auto v = parse_int64(s.substr(1));
    if (!v) return std::nullopt;
    return SuffixInfo{10, static_cast<int32_t>(*v), F::kDecimalExponent};
  }
  return std::nullopt;
}

std::string_view dec_suffix(int32_t exponent) {
  switch (exponent) {
    case -9:
      return "n";
    case -6:
      return "u";
    case -3:
      return "m";
    case 0:
      return "";
    case 3:
      return "k";
    case 6:
      return "M";
    case 9:
      return "G";
    case 12:
      return "T";
    case 15:
      return "P";
    case 18:
      return "E";
    default:
      return "";  // kube emits no suffix when none exists
  }
}

std::string_view bin_suffix(int32_t exponent) {
  switch (exponent) {
    case 10:
      return "Ki";
    case 20:
      return "Mi";
    case 30:
      return "Gi";
    case 40:
      return "Ti";
    case 50:
      return "Pi";
    case 60:
      return "Ei";
    default:
      return "";
  }
}

std::string int128_to_string(Int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  UInt128 u = neg ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
  std::string s;
  while (u > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

bool mul_overflow(Int128 a, Int128 b, Int128& out) { return __builtin_mul_overflow(a, b, &out); }

bool pow10(int n, Int128& out) {
  out = 1;
  for (int i = 0; i < n; ++i) {
    if (mul_overflow(out, 10, out)) return false;
  }
  return true;
}

// Divides by 10^n, rounding away from zero (inf.RoundUp).
Int128 div_pow10_round_up(Int128 v, int n) {
  Int128 d;
  if (!pow10(n, d)) return v == 0 ? 0 : (v > 0 ? 1 : -1);
  Int128 q = v / d;
  if (v % d != 0) q += v > 0 ? 1 : -1;
  return q;
}

// Decimal digits and exponent of the last digit: |v| = digits * 10^exp.
struct Decimal {
  int sign;
  std::string digits;  // no leading zeros, trailing zeros removed
  int64_t exp;
};

Decimal to_decimal(Int128 unscaled, int32_t exponent) {
  Decimal d{unscaled < 0 ? -1 : (unscaled > 0 ? 1 : 0), "", exponent};
  if (d.sign == 0) return d;
  std::string s = int128_to_string(unscaled);
  if (s[0] == '-') s.erase(0, 1);
  while (s.size() > 1 && s.back() == '0') {
    s.pop_back();
    ++d.exp;
  }
  d.digits = std::move(s);
  return d;
}

}  // namespace

Result<Quantity> Quantity::parse(std::string_view str) {
  if (str.empty()) return Error{std::string(kErrFormatWrong)};
  if (str == "0") {
    Quantity q;
    q.original_ = "0";
    return q;
  }
  Parts p;
  if (!parse_quantity_string(str, p)) return Error{std::string(kErrFormatWrong)};
  auto sfx = interpret(p.suffix);
  if (!sfx) return Error{std::string(kErrSuffix)};
  Format format = sfx->format;
  int32_t exponent = sfx->exponent;

  int32_t precision = 0;
  int32_t scale = 0;
  int64_t mantissa = 1;
  if (format == Format::kDecimalExponent || format == Format::kDecimalSI) {
    scale = exponent;
    precision = 18 - static_cast<int32_t>(p.num.size() + p.denom.size());
  } else {
    scale = 0;
    if (exponent >= 0 && p.denom.empty()) {
      mantissa = int64_t{1} << exponent;
      precision = 15 - static_cast<int32_t>(p.num.size()) -
                  static_cast<int32_t>(static_cast<float>(exponent) * 3 / 10) - 1;
    } else {
      precision = -1;
    }
  }

  if (precision >= 0) {
    scale -= static_cast<int32_t>(p.denom.size());
    if (scale >= -9) {
      std::string shifted = std::string(p.num) + std::string(p.denom);
      auto value = parse_int64(shifted);
      if (!value) return Error{std::string(kErrNumeric)};
      Int128 result = static_cast<Int128>(*value) * mantissa;
      if (result <= INT64_MAX && result >= INT64_MIN) {
        if (!p.positive) result = -result;
        Quantity q;
        q.unscaled_ = result;
        q.exponent_ = scale;
        q.format_ = format;
        bool canonical;
        if (format == Format::kBinarySI) {
          canonical = exponent % 10 == 0 && (*value & 0x07) != 0;
        } else {
          canonical =
              scale % 3 == 0 &&
              !(shifted.size() >= 3 && shifted.compare(shifted.size() - 3, 3, "000") == 0) &&
              shifted[0] != '0';
        }
        if (canonical) q.original_ = std::string(str);
        return q;
      }
    }
  }

  // Slow path: arbitrary precision in kube, 128 bits here. Leading and
  // trailing zeros are not significant, so they do not count against the 38
  // digits an Int128 holds (canonical strings add trailing zeros).
  Int128 amount = 0;
  int64_t amount_exp = 0;
  {
    std::string_view v = p.value;
    if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.remove_prefix(1);
    std::string digits;
    int64_t frac_digits = 0;
    bool seen_dot = false;
    for (char c : v) {
      if (c == '.') {
        if (seen_dot) return Error{std::string(kErrNumeric)};
        seen_dot = true;
        continue;
      }
      if (!is_digit(c)) return Error{std::string(kErrNumeric)};
      digits.push_back(c);
      if (seen_dot) ++frac_digits;
    }
    if (digits.empty()) return Error{std::string(kErrNumeric)};
    amount_exp = -frac_digits;
    size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) {
      digits = "0";
    } else {
      digits.erase(0, first);
      while (digits.size() > 1 && digits.back() == '0') {
        digits.pop_back();
        ++amount_exp;
      }
    }
    if (digits.size() > 38) return Error{std::string(kErrNumeric)};
    for (char c : digits) amount = amount * 10 + (c - '0');
  }
  if (sfx->base == 10) {
    amount_exp += exponent;
  } else {
    if (exponent < 0 || exponent > 120) return Error{std::string(kErrNumeric)};
    Int128 factor = static_cast<Int128>(1) << exponent;
    // Fold powers of ten back into the mantissa before multiplying.
    while (amount_exp > 0) {
      Int128 next;
      if (mul_overflow(amount, 10, next)) break;
      amount = next;
      --amount_exp;
    }
    if (mul_overflow(amount, factor, amount)) return Error{std::string(kErrNumeric)};
  }
  // Round non-zero values up to the nano scale.
  if (amount != 0 && amount_exp < -9) {
    amount = amount_exp < -60 ? (amount > 0 ? 1 : -1)
                              : div_pow10_round_up(amount, static_cast<int>(-9 - amount_exp));
    amount_exp = -9;
  }
  if (amount == 0) amount_exp = 0;
  // Normalise away huge positive exponents where we can, to keep room.
  while (amount != 0 && amount_exp > 0 && amount % 10 == 0) {
    amount /= 10;
    ++amount_exp;
  }
  if (amount_exp > INT32_MAX) return Error{std::string(kErrNumeric)};
  Quantity q;
  q.unscaled_ = amount;
  q.exponent_ = static_cast<int32_t>(amount_exp);
  q.format_ = format;
  if (format == Format::kBinarySI) {
    Quantity max_allowed = from_int(INT64_MAX);
    if (q.cmp(max_allowed) > 0) {
      q.unscaled_ = INT64_MAX;
      q.exponent_ = 0;
    }
    Quantity one = from_int(1);
    if (q.cmp(one) < 0 && q.sign() > 0) q.format_ = Format::kDecimalSI;
  }
  if (!p.positive) q.unscaled_ = -q.unscaled_;
  return q;
}

Result<Quantity> Quantity::from_json(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return Quantity();
    case boost::json::kind::string: {
      std::string_view s = value.get_string();
      while (!s.empty() &&
             (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
        s.remove_prefix(1);
      }
      while (!s.empty() &&
             (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
      }
      return parse(s);
    }
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return parse(boost::json::serialize(value));
    case boost::json::kind::double_: {
      // Shortest round-trip text, as the number most likely appeared.
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, value.get_double());
      return parse(std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
    }
    default:
      return Error{std::string(kErrFormatWrong)};
  }
}

Quantity Quantity::from_int(int64_t value, Format format) {
  Quantity q;
  q.unscaled_ = value;
  q.exponent_ = 0;
  q.format_ = format;
  return q;
}

Quantity Quantity::from_milli(int64_t milli_value, Format format) {
  Quantity q;
  q.unscaled_ = milli_value;
  q.exponent_ = -3;
  q.format_ = format;
  return q;
}

int64_t Quantity::scaled_value(int scale) const {
  Int128 v = unscaled_;
  int diff = exponent_ - scale;
  if (diff < 0) {
    v = div_pow10_round_up(v, -diff);
  } else if (diff > 0) {
    Int128 f;
    if (!pow10(diff, f) || mul_overflow(v, f, v)) return v < 0 ? INT64_MIN : INT64_MAX;
  }
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(v);
}

int Quantity::cmp(const Quantity& other) const {
  Decimal a = to_decimal(unscaled_, exponent_);
  Decimal b = to_decimal(other.unscaled_, other.exponent_);
  if (a.sign != b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign == 0) return 0;
  // Compare magnitudes: position of the leading digit first.
  int64_t ma = static_cast<int64_t>(a.digits.size()) + a.exp;
  int64_t mb = static_cast<int64_t>(b.digits.size()) + b.exp;
  int mag;
  if (ma != mb) {
    mag = ma < mb ? -1 : 1;
  } else {
    size_t n = std::max(a.digits.size(), b.digits.size());
    a.digits.resize(n, '0');
    b.digits.resize(n, '0');
    int c = a.digits.compare(b.digits);
    mag = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return a.sign > 0 ? mag : -mag;
}

namespace {

// Brings a and b to the same exponent; false on overflow.
bool align(Int128& a, int32_t& ea, Int128& b, int32_t& eb) {
  if (ea == eb) return true;
  if (ea > eb) {
    Int128 f;
    if (!pow10(ea - eb, f) || mul_overflow(a, f, a)) return false;
    ea = eb;
  } else {
    Int128 f;
    if (!pow10(eb - ea, f) || mul_overflow(b, f, b)) return false;
    eb = ea;
  }
  return true;
}

}  // namespace

void Quantity::add(const Quantity& other) {
  original_.clear();
  if (is_zero()) format_ = other.format_;
  Int128 a = unscaled_, b = other.unscaled_;
  int32_t ea = exponent_, eb = other.exponent_;
  if (a == 0) ea = eb;
  if (b == 0) eb = ea;
  if (!align(a, ea, b, eb) || __builtin_add_overflow(a, b, &a)) {
    // Out of range for 128 bits: saturate (kube would switch to inf.Dec).
    a = (unscaled_ < 0) ? -(static_cast<Int128>(1) << 126) : (static_cast<Int128>(1) << 126);
  }
  unscaled_ = a;
  exponent_ = ea;
}

void Quantity::sub(const Quantity& other) { add(other.negated()); }

Quantity Quantity::negated() const {
  Quantity q = *this;
  q.unscaled_ = -q.unscaled_;
  q.original_.clear();
  return q;
}

std::string Quantity::to_string() const {
  if (!original_.empty()) return original_;
  return canonical();
}

std::string Quantity::canonical() const {
  if (unscaled_ == 0) return "0";
  Format format = format_;
  Int128 rounded = 0;  // integer value for BinarySI
  if (format == Format::kBinarySI) {
    if (cmp(from_int(-1024)) > 0 && cmp(from_int(1024)) < 0) {
      format = Format::kDecimalSI;
    } else {
      Int128 v = unscaled_;
      bool exact = true;
      if (exponent_ < 0) {
        Int128 f;
        pow10(-exponent_, f);
        exact = v % f == 0;
        v = div_pow10_round_up(v, -exponent_);
      } else if (exponent_ > 0) {
        Int128 f;
        if (!pow10(exponent_, f) || mul_overflow(v, f, v)) exact = false;
      }
      if (!exact) {
        format = Format::kDecimalSI;
      } else {
        rounded = v;
      }
    }
  }
  if (format == Format::kBinarySI) {
    Int128 amount = rounded;
    int32_t times = 0;
    bool neg = amount < 0;
    if (neg) amount = -amount;
    while (amount >= 1024 && amount % 1024 == 0) {
      amount /= 1024;
      ++times;
    }
    if (neg) amount = -amount;
    return int128_to_string(amount) + std::string(bin_suffix(times * 10));
  }
  // AsCanonicalBytes: strip factors of ten, then make the exponent a multiple of 3.
  Int128 amount = unscaled_;
  int64_t exponent = exponent_;
  while ((amount >= 10 || amount <= -10) && amount % 10 == 0) {
    amount /= 10;
    ++exponent;
  }
  std::string digits = int128_to_string(amount);
  while (exponent % 3 != 0) {
    digits.push_back('0');
    --exponent;
  }
  if (format == Format::kDecimalExponent) {
    if (exponent == 0) return digits;
    return digits + "e" + std::to_string(exponent);
  }
  return digits + std::string(dec_suffix(static_cast<int32_t>(exponent)));
}

}  // namespace dynop::apimachinery
