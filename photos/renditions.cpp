#include "photos/renditions.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vips/vips8>

namespace cunji::photos {

namespace {

using vips::VImage;

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view type_name(media_type t) noexcept {
  switch (t) {
    case media_type::jpeg: return "JPEG";
    case media_type::png: return "PNG";
    case media_type::webp: return "WebP";
  }
  return "image";
}

error bad_body(std::string message) {
  return validation({{"body", std::move(message)}}, "The body is not an acceptable image.");
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

// A VipsBlob over bytes the caller keeps alive (no copy), released with the holder.
class borrowed_blob {
 public:
  explicit borrowed_blob(std::string_view bytes) : blob_(vips_blob_new(nullptr, bytes.data(), bytes.size())) {}
  borrowed_blob(const borrowed_blob&) = delete;
  borrowed_blob& operator=(const borrowed_blob&) = delete;
  ~borrowed_blob() { vips_area_unref(VIPS_AREA(blob_)); }
  VipsBlob* get() const noexcept { return blob_; }

 private:
  VipsBlob* blob_;
};

// The image of the upload's header only: nothing is decoded until pixels are asked for.
VImage load_header(const borrowed_blob& blob, media_type t) {
  auto* opts = VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail_on", VIPS_FAIL_ON_TRUNCATED);
  switch (t) {
    case media_type::jpeg: return VImage::jpegload_buffer(blob.get(), opts);
    case media_type::png: return VImage::pngload_buffer(blob.get(), opts);
    case media_type::webp: return VImage::webpload_buffer(blob.get(), opts);
  }
  throw std::logic_error("unknown media type");
}

rendition render(const borrowed_blob& blob, int side, int quality) {
  // Shrink-on-load where the format has it (JPEG, WebP); EXIF orientation applied; never upscaled.
  auto img = VImage::thumbnail_buffer(
      blob.get(), side,
      VImage::option()->set("height", side)->set("size", VIPS_SIZE_DOWN)->set("option_string", "fail_on=truncated"));
  if (img.has_alpha()) img = img.flatten(VImage::option()->set("background", std::vector<double>{255.0}));
  const auto space = img.interpretation();
  if (space != VIPS_INTERPRETATION_sRGB && space != VIPS_INTERPRETATION_B_W)
    img = img.colourspace(VIPS_INTERPRETATION_sRGB);
  if (img.format() != VIPS_FORMAT_UCHAR) img = img.cast(VIPS_FORMAT_UCHAR);
  VipsBlob* out = img.jpegsave_buffer(
      VImage::option()->set("Q", quality)->set("strip", true)->set("optimize_coding", true)->set("interlace", false));
  std::size_t len = 0;
  const auto* data = static_cast<const char*>(vips_blob_get(out, &len));
  rendition r;
  r.bytes.assign(data, len);
  vips_area_unref(VIPS_AREA(out));
  r.width = img.width();
  r.height = img.height();
  r.name = sha256_hex(r.bytes) + ".jpg";
  return r;
}

// Drops libvips' per-thread buffers when a job ends, whatever thread ran it.
struct thread_cleanup {
  ~thread_cleanup() {
    vips_error_clear();
    vips_thread_shutdown();
  }
};

}  // namespace

std::optional<media_type> parse_media_type(std::string_view content_type) noexcept {
  auto t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  if (iequals(t, "image/jpeg")) return media_type::jpeg;
  if (iequals(t, "image/png")) return media_type::png;
  if (iequals(t, "image/webp")) return media_type::webp;
  return std::nullopt;
}

std::optional<media_type> sniff(std::string_view b) noexcept {
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") return media_type::jpeg;
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8)) return media_type::png;
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return media_type::webp;
  return std::nullopt;
}

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("cunji") != 0) throw std::runtime_error("libvips failed to initialize");
    // Every upload is new: caching operations would only keep decoded images in memory.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    // Concurrency comes from running jobs side by side (a bounded pool), not inside one.
    vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
  });
}

result<renditions> make_renditions(std::string_view bytes, media_type declared, const limits& lim) {
  init();
  if (bytes.size() > lim.max_bytes) return bad_body("must be at most " + std::to_string(lim.max_bytes) + " bytes");
  const auto found = sniff(bytes);
  if (found != declared) return bad_body("is not a " + std::string(type_name(declared)) + " image");
  thread_cleanup cleanup;
  try {
    const borrowed_blob blob(bytes);
    const auto header = load_header(blob, declared);
    const auto pixels = static_cast<std::int64_t>(header.width()) * header.height();
    if (pixels > lim.max_pixels)
      return bad_body("has more than " + std::to_string(lim.max_pixels / 1'000'000) + " megapixels");
    renditions out;
    out.large = render(blob, lim.large_side, lim.quality);
    out.small = render(blob, lim.small_side, lim.quality);
    return out;
  } catch (const vips::VError&) {
    return bad_body("is not a decodable " + std::string(type_name(declared)) + " image");
  }
}

bool is_rendition_name(std::string_view name) noexcept {
  if (name.size() != 68 || !name.ends_with(".jpg")) return false;
  for (const char ch : name.substr(0, 64))
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

std::string_view content_type_of(std::string_view name) noexcept {
  if (name.ends_with(".jpg")) return "image/jpeg";
  if (name.ends_with(".webp")) return "image/webp";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace cunji::photos
