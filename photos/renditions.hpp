#pragma once
// Listing photos: an uploaded image (JPEG, PNG or WebP) checked and re-encoded as two JPEG
// renditions, small (at most 320 px on the long side) and large (at most 1280 px), never
// upscaled, with every metadata block (EXIF, GPS, XMP, ICC, comments) stripped. Each rendition
// is named by the SHA-256 of its bytes, so identical uploads share their files and a name's
// bytes never change (they can be cached forever). libvips does the work (docs/adr/0008).
//
// CPU- and memory-heavy (a 40-megapixel photo decodes for a second or more): never call on an
// I/O thread, and bound how many run at once (server/app.hpp runs them on their own pool).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace cunji::photos {

enum class media_type { jpeg, png, webp };

// "image/jpeg", "image/png" or "image/webp" (parameters such as `; q=1` ignored, any case).
std::optional<media_type> parse_media_type(std::string_view content_type) noexcept;
// The type the bytes' signature names, if one of the three.
std::optional<media_type> sniff(std::string_view bytes) noexcept;

struct limits {
  std::size_t max_bytes = 8 * 1024 * 1024;  // the upload
  std::int64_t max_pixels = 40'000'000;     // width x height, read from the header before decoding
  int small_side = 320;
  int large_side = 1280;
  int quality = 82;  // JPEG quality of both renditions
};

struct rendition {
  std::string bytes;  // a baseline JPEG without metadata
  int width = 0;
  int height = 0;
  std::string name;  // lowercase SHA-256 hex of `bytes` + ".jpg"
};

struct renditions {
  rendition small;
  rendition large;
};

// Initializes libvips once (later calls do nothing): no operation cache, one worker thread per
// pipeline, loaders marked untrusted blocked. Throws if libvips cannot start.
void init();

// The renditions of an upload declared as `declared`. validation_failed (field "body") when the
// bytes are not a decodable image of that type, are truncated, or have more than max_pixels.
result<renditions> make_renditions(std::string_view bytes, media_type declared, const limits& lim = {});

// True if `name` could be a rendition's name (64 lowercase hex digits and ".jpg"): anything
// else, such as a path with `/` or `..`, names no photo.
bool is_rendition_name(std::string_view name) noexcept;

// The Content-Type of a rendition's name.
std::string_view content_type_of(std::string_view name) noexcept;

}  // namespace cunji::photos
