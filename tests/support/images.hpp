#pragma once
// Images for the photo tests, made with libvips (or by hand, for the malformed ones).
#include <cstddef>
#include <string>

namespace cunji::test::images {

// A width x height JPEG of a gradient. With `metadata`, it carries an EXIF block with a GPS
// position, an XMP packet and an ICC profile (all of which the renditions must lose).
std::string jpeg(int width, int height, bool metadata = false, int quality = 90);
// A width x height PNG with an alpha channel (16 bits per sample with `deep`).
std::string png(int width, int height, bool deep = false);
std::string webp(int width, int height);
// A JPEG of at least `bytes` bytes (noise at quality 100, cut at no marker: it stays whole).
std::string large_jpeg(std::size_t bytes);
// A tiny valid-looking PNG declaring width x height pixels: signature, IHDR, a few bytes of
// IDAT, IEND. Decoding it would need width x height x 3 bytes.
std::string png_bomb(unsigned width, unsigned height);
// True if `bytes`, decoded, has an EXIF GPS latitude (checks the fixture itself).
bool has_gps(const std::string& bytes);
// The width and height of an image's header.
std::pair<int, int> size_of(const std::string& bytes);

}  // namespace cunji::test::images
