// fuzz_photos: bytes -> photos::make_renditions, declared as the type their signature names (as
// an honest client would), or as JPEG.
//
// Properties: an input is either refused with one error on field `body`, or becomes two JPEG
// renditions that decode to their stated sizes, within 320 and 1280 px on the long side and no
// larger than the input, without an EXIF, XMP or ICC block, named by their bytes' hash.
// Decoding never crashes or leaks whatever the bytes. The pixel limit is lowered to 4
// megapixels so that each input runs in well under a second.
#include <vips/vips.h>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "photos/renditions.hpp"

namespace {

using namespace cunji;

bool contains(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

void check_rendition(const photos::rendition& r, int side) {
  FUZZ_CHECK(photos::is_rendition_name(r.name), "bad name %s", r.name.c_str());
  FUZZ_CHECK(r.width >= 1 && r.height >= 1 && r.width <= side && r.height <= side, "size %dx%d over %d", r.width,
             r.height, side);
  FUZZ_CHECK(r.bytes.size() > 3 && r.bytes.compare(0, 3, "\xFF\xD8\xFF") == 0, "not a JPEG");
  FUZZ_CHECK(
      !contains(r.bytes, "Exif") && !contains(r.bytes, "http://ns.adobe.com/xap") && !contains(r.bytes, "ICC_PROFILE"),
      "metadata left in a rendition");
  VipsImage* img = vips_image_new_from_buffer(r.bytes.data(), r.bytes.size(), "", nullptr);
  FUZZ_CHECK(img != nullptr, "a rendition does not decode: %s", vips_error_buffer());
  FUZZ_CHECK(vips_image_get_width(img) == r.width && vips_image_get_height(img) == r.height, "stated size is wrong");
  g_object_unref(img);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  photos::limits lim;
  lim.max_pixels = 4'000'000;
  const auto type = photos::sniff(bytes).value_or(photos::media_type::jpeg);
  const auto made = photos::make_renditions(bytes, type, lim);
  if (!made) {
    FUZZ_CHECK(made.err().code == errc::validation_failed, "refused with another code");
    FUZZ_CHECK(made.err().errors.size() == 1 && made.err().errors[0].field == "body", "refused without field body");
    return 0;
  }
  check_rendition(made->small, lim.small_side);
  check_rendition(made->large, lim.large_side);
  FUZZ_CHECK(made->small.width <= made->large.width && made->small.height <= made->large.height,
             "small larger than large");
  vips_error_clear();
  vips_thread_shutdown();
  return 0;
}
