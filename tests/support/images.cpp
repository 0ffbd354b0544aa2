#include "support/images.hpp"

#include <zlib.h>

#include <array>
#include <stdexcept>
#include <utility>
#include <vector>
#include <vips/vips8>

#include "photos/renditions.hpp"

namespace cunji::test::images {

namespace {

using vips::VImage;

std::string take(VipsBlob* b) {
  std::size_t n = 0;
  const auto* d = static_cast<const char*>(vips_blob_get(b, &n));
  std::string out(d, n);
  vips_area_unref(VIPS_AREA(b));
  return out;
}

// An sRGB gradient, so that encoders have something to do.
VImage gradient(int width, int height) {
  auto x = VImage::xyz(width, height);
  auto r = x[0] * (255.0 / std::max(1, width));
  auto g = x[1] * (255.0 / std::max(1, height));
  auto img = r.bandjoin(g).bandjoin(r * 0.5 + 40);
  return img.cast(VIPS_FORMAT_UCHAR).copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

// A little-endian TIFF/EXIF block: IFD0 with a pointer to a GPS IFD holding GPSLatitudeRef "N"
// and GPSLatitude 31/1 12/1 30/1.
std::string exif_with_gps() {
  std::string b = std::string("Exif\0\0", 6);
  std::string t;
  auto u16 = [&t](unsigned v) {
    t += static_cast<char>(v & 0xFF);
    t += static_cast<char>((v >> 8) & 0xFF);
  };
  auto u32 = [&t](unsigned v) {
    for (int i = 0; i < 4; ++i) t += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  t += "II";
  u16(42);
  u32(8);  // IFD0 at 8
  // IFD0: 1 entry (GPS IFD pointer), next IFD 0. 2 + 12 + 4 = 18 bytes: GPS IFD at 26.
  u16(1);
  u16(0x8825);
  u16(4);
  u32(1);
  u32(26);
  u32(0);
  // GPS IFD at 26: 2 entries, next 0. 2 + 24 + 4 = 30: data at 56.
  u16(2);
  u16(0x0001);
  u16(2);
  u32(2);
  t += "N";
  t += '\0';
  t += '\0';
  t += '\0';  // GPSLatitudeRef
  u16(0x0002);
  u16(5);
  u32(3);
  u32(56);  // GPSLatitude
  u32(0);
  for (unsigned v : {31u, 1u, 12u, 1u, 30u, 1u}) u32(v);
  return b + t;
}

}  // namespace

std::string jpeg(int width, int height, bool metadata, int quality) {
  photos::init();
  auto img = gradient(width, height);
  if (metadata) {
    img = img.copy();
    const auto exif = exif_with_gps();
    vips_image_set_blob_copy(img.get_image(), "exif-data", exif.data(), exif.size());
    const std::string xmp =
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmp:CreatorTool='phone'/></rdf:RDF></x:xmpmeta>";
    vips_image_set_blob_copy(img.get_image(), "xmp-data", xmp.data(), xmp.size());
    VipsBlob* profile = nullptr;
    if (vips_profile_load("srgb", &profile, nullptr) != 0) throw std::runtime_error("no sRGB profile");
    std::size_t n = 0;
    const auto* d = vips_blob_get(profile, &n);
    vips_image_set_blob_copy(img.get_image(), "icc-profile-data", d, n);
    vips_area_unref(VIPS_AREA(profile));
  }
  return take(img.jpegsave_buffer(VImage::option()->set("Q", quality)));
}

std::string png(int width, int height, bool deep) {
  photos::init();
  auto img = gradient(width, height);
  img = img.bandjoin(VImage::black(width, height) + 128).cast(VIPS_FORMAT_UCHAR);
  img = img.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  if (deep)
    img = (img.cast(VIPS_FORMAT_USHORT) * 257)
              .cast(VIPS_FORMAT_USHORT)
              .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_RGB16));
  return take(img.pngsave_buffer());
}

std::string webp(int width, int height) {
  photos::init();
  return take(gradient(width, height).webpsave_buffer());
}

std::string large_jpeg(std::size_t bytes) {
  photos::init();
  for (int side = 1024;; side += 512) {
    auto noise = VImage::gaussnoise(side, side)
                     .bandjoin(VImage::gaussnoise(side, side))
                     .bandjoin(VImage::gaussnoise(side, side));
    noise = (noise * 2).cast(VIPS_FORMAT_UCHAR).copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
    auto out = take(noise.jpegsave_buffer(VImage::option()->set("Q", 100)));
    if (out.size() >= bytes) return out;
  }
}

std::string png_bomb(unsigned width, unsigned height) {
  auto be32 = [](std::string& s, unsigned v) {
    for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  auto chunk = [&be32](std::string& out, const char* type, const std::string& data) {
    be32(out, static_cast<unsigned>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    be32(out,
         static_cast<unsigned>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  };
  std::string out("\x89PNG\r\n\x1A\n", 8);
  std::string ihdr;
  be32(ihdr, width);
  be32(ihdr, height);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter, no interlace
  chunk(out, "IHDR", ihdr);
  // The first rows, deflated: zeros (filter 0, black pixels); the rest is missing.
  std::vector<unsigned char> raw(static_cast<std::size_t>(width) * 3 + 1, 0);
  std::vector<unsigned char> packed(compressBound(static_cast<uLong>(raw.size())));
  uLongf n = static_cast<uLongf>(packed.size());
  compress(packed.data(), &n, raw.data(), static_cast<uLong>(raw.size()));
  chunk(out, "IDAT", std::string(reinterpret_cast<const char*>(packed.data()), n));
  chunk(out, "IEND", "");
  return out;
}

bool has_gps(const std::string& bytes) {
  photos::init();
  auto img = VImage::new_from_buffer(bytes, "");
  return vips_image_get_typeof(img.get_image(), "exif-ifd3-GPSLatitude") != 0;
}

std::pair<int, int> size_of(const std::string& bytes) {
  photos::init();
  auto img = VImage::new_from_buffer(bytes, "");
  return {img.width(), img.height()};
}

}  // namespace cunji::test::images
