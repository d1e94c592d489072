#pragma once
// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): "1", "500m",
// "80Gi", "1e3", "1.5", "0.5Gi".
//
// Parsing follows kube's ParseQuantity step by step: sign, digits, optional
// fraction, then a suffix that is binary SI (Ki Mi Gi Ti Pi Ei), decimal SI
// (n u m "" k M G T P E) or a decimal exponent (e3, E-2). Values are rounded
// away from zero to nano precision, and BinarySI values are capped at 2^63-1,
// as kube does. Errors are kube's:
//   quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
//   unable to parse quantity's suffix
//   unable to parse numeric value
//
// to_string() is the canonical form kube serializes: the input string when it
// is already canonical, otherwise e.g. "1500m" -> "1500m", "0.5Gi" -> "512Mi",
// "1000" -> "1k", "1e3" -> "1e3", "2048Ki" -> "2Mi".
//
// Faithful quirk: kube has no decimal suffix above E (10^18), so a DecimalSI
// value of 10^21 or more prints with its suffix missing ("50000E" -> "50").
//
// Deviation: kube keeps arbitrary precision (inf.Dec); this type keeps 128
// bits of mantissa, so inputs needing more than 38 significant digits are
// rejected with "unable to parse numeric value".

#include <boost/json/value.hpp>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

class Quantity {
 public:
  enum class Format { kDecimalExponent, kBinarySI, kDecimalSI };

  // Zero, DecimalSI.
  Quantity() = default;
  static Result<Quantity> parse(std::string_view text);
  // From a JSON string or number, as Quantity.UnmarshalJSON (surrounding
  // spaces trimmed); null gives zero.
  static Result<Quantity> from_json(const boost::json::value& value);
  // Exact integer / milli amounts (resource.NewQuantity, NewMilliQuantity).
  static Quantity from_int(int64_t value, Format format = Format::kDecimalSI);
  static Quantity from_milli(int64_t milli_value, Format format = Format::kDecimalSI);

  // The canonical string (Quantity.String()).
  std::string to_string() const;
  boost::json::value to_json() const { return boost::json::value(to_string()); }

  Format format() const { return format_; }
  bool is_zero() const { return unscaled_ == 0; }
  int sign() const { return unscaled_ < 0 ? -1 : (unscaled_ > 0 ? 1 : 0); }

  // ceil(|q|) with q's sign, i.e. rounded away from zero (Quantity.Value()),
  // and the same in thousandths (MilliValue()). Saturate at the int64 range.
  int64_t value() const { return scaled_value(0); }
  int64_t milli_value() const { return scaled_value(-3); }
  // Rounded away from zero to 10^scale units (ScaledValue).
  int64_t scaled_value(int scale) const;

  // Exact comparison (Quantity.Cmp); -1, 0, 1.
  int cmp(const Quantity& other) const;
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.cmp(b) == 0; }
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) {
    int c = a.cmp(b);
    return c < 0 ? std::strong_ordering::less
                 : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
  }

  // Quantity.Add / Sub / Neg: keep this format unless this is zero, in which
  // case the other operand's format is taken.
  void add(const Quantity& other);
  void sub(const Quantity& other);
  Quantity negated() const;

 private:
  __extension__ using Int128 = __int128;

  std::string canonical() const;

  Int128 unscaled_ = 0;
  int32_t exponent_ = 0;  // value = unscaled_ * 10^exponent_, exponent_ >= -9 after parse
  Format format_ = Format::kDecimalSI;
  std::string original_;  // the input, when kube would keep it as the canonical string
};

}  // namespace dynop::apimachinery
