#pragma once
// multipart/form-data bodies (RFC 7578), read strictly and within limits: the one page form
// that sends a file (a new listing with its photo). Text fields must be valid UTF-8; files
// are views into the body (which must outlive them).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "server/web/forms.hpp"

namespace cunji::server::web {

struct multipart_limits {
  std::size_t max_parts = 20;
  std::size_t max_files = 1;
  std::size_t max_header_bytes = 1024;           // of one part's header block
  std::size_t max_field_bytes = 16 * 1024;       // of one text field
  std::size_t max_file_bytes = 8 * 1024 * 1024;  // of one file
};

struct form_file {
  std::string name;          // the field's
  std::string filename;      // as the browser sent it (may be empty)
  std::string content_type;  // the part's Content-Type, "" if none
  std::string_view bytes;    // into the body
};

enum class multipart_error { none, malformed, too_large };

struct multipart_form {
  form fields;
  std::vector<form_file> files;
  multipart_error error = multipart_error::none;
};

// The boundary parameter of a `multipart/form-data` Content-Type ("" if the type is another
// or the boundary is missing or not 1..70 characters).
std::string multipart_boundary(std::string_view content_type);

// The parts of `body`. A file part is one whose Content-Disposition has a filename; a file
// input left empty (filename "" and no bytes) is dropped. `error` is too_large beyond a limit
// and malformed for anything else that is not well-formed.
multipart_form parse_multipart(std::string_view body, std::string_view boundary, const multipart_limits& lim = {});

}  // namespace cunji::server::web
