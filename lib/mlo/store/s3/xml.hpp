// Just enough XML for S3 responses (ListObjectsV2, errors, multipart): the text of elements by
// name, in document order. S3 response documents have no attributes we need, no CDATA and no
// nesting of same-named elements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlo::s3 {

// Every <tag>...</tag> body in `xml` (raw, entities not decoded).
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
// The decoded text of the first <tag>, or "".
std::string xml_text(std::string_view xml, std::string_view tag);
std::string xml_decode(std::string_view text);

}  // namespace mlo::s3
