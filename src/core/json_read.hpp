// Internal: reading JSON with simdjson's DOM, with errors as Problem-style strings instead of
// exceptions. Included only by the .cpp files that parse JSON (simdjson.h is a heavy header).
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dataengine::json {

using simdjson::dom::element;
using simdjson::dom::object;

// "line L, column C" of the first syntax error in `text`, found by a small validator run only
// after simdjson rejected the document (simdjson reports what, not where).
std::string locate_syntax_error(std::string_view text);

// simdjson's error text, e.g. "The JSON document has an improper structure".
inline std::string error_text(simdjson::error_code code) { return simdjson::error_message(code); }

const char * type_name(simdjson::dom::element_type type);

// Field access that explains failures. Each returns false and fills `why` when the field is
// missing (if required) or of the wrong type; an absent optional field leaves `out` unchanged.
bool get_string(object obj, std::string_view key, std::string & out, std::string & why, bool required = true);
bool get_int(object obj, std::string_view key, int64_t & out, std::string & why, bool required = true);
bool get_double(object obj, std::string_view key, double & out, std::string & why, bool required = true);  // ints too
bool get_bool(object obj, std::string_view key, bool & out, std::string & why, bool required = true);
bool get_string_array(object obj, std::string_view key, std::vector<std::string> & out, std::string & why,
                      bool required = true);
// A string, or an integer printed in decimal (ids are either, depending on the exporter).
bool get_id(object obj, std::string_view key, std::string & out, std::string & why, bool required = true);

bool has(object obj, std::string_view key);

// The lenient-mode reason for a message from the getters above: "missing field" or "wrong type".
const char * reason_of(const std::string & why);
bool is_null(object obj, std::string_view key);

}  // namespace dataengine::json

namespace dataengine::json {
// Parses one whole document: in place when `padded` (SIMDJSON_PADDING readable bytes follow
// `text`), else from a padded copy held in `copy`. The element lives as long as parser and copy.
simdjson::error_code parse_document(simdjson::dom::parser & parser, std::string_view text, bool padded,
                                    simdjson::padded_string & copy, element & out);

// "invalid JSON (<simdjson's reason>) at line L, column C: <what>" for a rejected document.
std::string describe_parse_failure(simdjson::error_code code, std::string_view text);
}  // namespace dataengine::json
