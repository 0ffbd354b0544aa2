// cunji_benchphoto OUT [BYTES]: writes a JPEG of at least BYTES bytes (default 2 MiB) for the
// photo_upload scenario of scripts/bench: a 12-megapixel gradient with sensor-like noise, the
// size and kind of picture a phone sends, at the first quality from 80 up that reaches BYTES.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vips/vips8>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cunji_benchphoto OUT [BYTES]\n");
    return 2;
  }
  const std::size_t want = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2u * 1024 * 1024;
  if (VIPS_INIT(argv[0]) != 0) return 1;
  using vips::VImage;
  const int w = 4000, h = 3000;
  const auto xy = VImage::xyz(w, h);
  const auto base = (xy[0] * (255.0 / w)).bandjoin(xy[1] * (255.0 / h)).bandjoin(xy[0] * (128.0 / w) + 64);
  const auto noisy = base +
                     VImage::gaussnoise(w, h, VImage::option()->set("sigma", 12.0))
                         .bandjoin(VImage::gaussnoise(w, h, VImage::option()->set("sigma", 12.0))
                                       .bandjoin(VImage::gaussnoise(w, h, VImage::option()->set("sigma", 12.0)))) -
                     128;
  const auto img =
      noisy.cast(VIPS_FORMAT_UCHAR).copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  const auto pixels = img.copy_memory();  // the same noise at every quality tried
  for (int q = 80; q <= 100; q += 2) {
    VipsBlob* blob = pixels.jpegsave_buffer(VImage::option()->set("Q", q));
    std::size_t n = 0;
    const auto* data = static_cast<const char*>(vips_blob_get(blob, &n));
    if (n >= want || q == 100) {
      std::ofstream(argv[1], std::ios::binary).write(data, static_cast<std::streamsize>(n));
      std::printf("%zu\n", n);
      vips_area_unref(VIPS_AREA(blob));
      return n >= want ? 0 : 1;
    }
    vips_area_unref(VIPS_AREA(blob));
  }
  return 1;
}
