// JSON field helpers over simdjson's DOM, and a syntax-error locator.
#include "core/json_read.hpp"

#include <cctype>

namespace dataengine::json {

const char * type_name(simdjson::dom::element_type type) {
    using T = simdjson::dom::element_type;
    switch (type) {
        case T::ARRAY:      return "an array";
        case T::OBJECT:     return "an object";
        case T::INT64:
        case T::UINT64:     return "an integer";
        case T::DOUBLE:     return "a number";
        case T::STRING:     return "a string";
        case T::BOOL:       return "a boolean";
        case T::NULL_VALUE: return "null";
    }
    return "a value";
}

namespace {

bool lookup(object obj, std::string_view key, element & out, std::string & why, bool required) {
    if (obj[key].get(out) == simdjson::SUCCESS) return true;
    if (required) why = "missing field '" + std::string(key) + "'";
    return false;
}

bool wrong_type(std::string_view key, const char * expected, element value, std::string & why) {
    why = "field '" + std::string(key) + "' must be " + expected + ", not " + type_name(value.type());
    return false;
}

}  // namespace

const char * reason_of(const std::string & why) {
    if (why.rfind("missing", 0) == 0) return "missing field";
    if (why.find("must be") != std::string::npos) return "wrong type";
    return "bad field";
}

bool has(object obj, std::string_view key) {
    element value;
    return obj[key].get(value) == simdjson::SUCCESS;
}

bool is_null(object obj, std::string_view key) {
    element value;
    return obj[key].get(value) == simdjson::SUCCESS && value.is_null();
}

bool get_string(object obj, std::string_view key, std::string & out, std::string & why, bool required) {
    element value;
    if (!lookup(obj, key, value, why, required)) return !required;
    std::string_view text;
    if (value.get(text) != simdjson::SUCCESS) return wrong_type(key, "a string", value, why);
    out.assign(text);
    return true;
}

bool get_int(object obj, std::string_view key, int64_t & out, std::string & why, bool required) {
    element value;
    if (!lookup(obj, key, value, why, required)) return !required;
    if (value.get(out) != simdjson::SUCCESS) return wrong_type(key, "an integer", value, why);
    return true;
}

bool get_double(object obj, std::string_view key, double & out, std::string & why, bool required) {
    element value;
    if (!lookup(obj, key, value, why, required)) return !required;
    if (value.get(out) != simdjson::SUCCESS) return wrong_type(key, "a number", value, why);
    return true;
}

bool get_bool(object obj, std::string_view key, bool & out, std::string & why, bool required) {
    element value;
    if (!lookup(obj, key, value, why, required)) return !required;
    if (value.get(out) != simdjson::SUCCESS) return wrong_type(key, "true or false", value, why);
    return true;
}

bool get_string_array(object obj, std::string_view key, std::vector<std::string> & out, std::string & why,
                      bool required) {
    element value;
    if (!lookup(obj, key, value, why, required)) return !required;
    simdjson::dom::array array;
    if (value.get(array) != simdjson::SUCCESS) return wrong_type(key, "an array of strings", value, why);
    out.clear();
    size_t i = 0;
    for (element item : array) {
        std::string_view text;
        if (item.get(text) != simdjson::SUCCESS) {
            why = "field '" + std::string(key) + "' item " + std::to_string(i) + " must be a string, not " +
                  type_name(item.type());
            return false;
        }
        out.emplace_back(text);
        ++i;
    }
    return true;
}

bool get_id(object obj, std::string_view key, std::string & out, std::string & why, bool required) {
    element value;
    if (!lookup(obj, key, value, why, required)) return !required;
    std::string_view text;
    int64_t          number;
    if (value.get(text) == simdjson::SUCCESS) out.assign(text);
    else if (value.get(number) == simdjson::SUCCESS) out = std::to_string(number);
    else return wrong_type(key, "a string or an integer", value, why);
    if (out.empty()) {
        why = "field '" + std::string(key) + "' is empty";
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Syntax-error locator: a strict recursive-descent validator (RFC 8259) that stops at the first
// error. Only run on documents simdjson already rejected, so it is written for clarity.
namespace {

class Validator {
public:
    explicit Validator(std::string_view t) : t_(t) {}
    size_t run(std::string & what) {
        skip_ws();
        if (!value(0)) { what = what_; return pos_; }
        skip_ws();
        if (pos_ != t_.size()) { what = "unexpected content after the document"; return pos_; }
        what = "valid";
        return std::string_view::npos;
    }

private:
    bool fail(const char * what) { what_ = what; return false; }
    void skip_ws() { while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) ++pos_; }
    bool literal(std::string_view word) {
        if (t_.substr(pos_, word.size()) != word) return fail("invalid literal");
        pos_ += word.size();
        return true;
    }
    bool string() {
        ++pos_;  // opening quote
        while (pos_ < t_.size()) {
            const unsigned char c = static_cast<unsigned char>(t_[pos_]);
            if (c == '"') { ++pos_; return true; }
            if (c < 0x20) return fail("control character in a string");
            if (c == '\\') {
                if (++pos_ >= t_.size()) break;
                const char e = t_[pos_];
                if (e == 'u') {
                    for (int i = 0; i < 4; ++i)
                        if (++pos_ >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[pos_])))
                            return fail("bad \\u escape");
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return fail("bad escape in a string");
                }
            }
            ++pos_;
        }
        return fail("unterminated string");
    }
    bool number() {
        const size_t start = pos_;
        if (t_[pos_] == '-') ++pos_;
        auto digits = [&] { size_t n = 0; while (pos_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[pos_]))) { ++pos_; ++n; } return n; };
        if (digits() == 0) return fail("bad number");
        if (pos_ < t_.size() && t_[pos_] == '.') { ++pos_; if (digits() == 0) return fail("bad number"); }
        if (pos_ < t_.size() && (t_[pos_] == 'e' || t_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < t_.size() && (t_[pos_] == '+' || t_[pos_] == '-')) ++pos_;
            if (digits() == 0) return fail("bad number");
        }
        return pos_ > start;
    }
    bool value(int depth) {
        if (depth > 1024) return fail("nesting too deep");
        if (pos_ >= t_.size()) return fail("unexpected end of input");
        switch (t_[pos_]) {
            case '{': return container(depth, '}', true);
            case '[': return container(depth, ']', false);
            case '"': return string();
            case 't': return literal("true");
            case 'f': return literal("false");
            case 'n': return literal("null");
            default:
                if (t_[pos_] == '-' || std::isdigit(static_cast<unsigned char>(t_[pos_]))) return number();
                return fail("unexpected character");
        }
    }
    bool container(int depth, char close, bool is_object) {
        ++pos_;
        skip_ws();
        if (pos_ < t_.size() && t_[pos_] == close) { ++pos_; return true; }
        for (;;) {
            skip_ws();
            if (is_object) {
                if (pos_ >= t_.size() || t_[pos_] != '"') return fail("expected a key string");
                if (!string()) return false;
                skip_ws();
                if (pos_ >= t_.size() || t_[pos_] != ':') return fail("expected ':' after a key");
                ++pos_;
                skip_ws();
            }
            if (!value(depth + 1)) return false;
            skip_ws();
            if (pos_ >= t_.size()) return fail("unexpected end of input");
            if (t_[pos_] == ',') { ++pos_; continue; }
            if (t_[pos_] == close) { ++pos_; return true; }
            return fail(is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }

    std::string_view t_;
    size_t           pos_ = 0;
    const char *     what_ = "";
};

}  // namespace

std::string locate_syntax_error(std::string_view text) {
    std::string what;
    const size_t at = Validator(text).run(what);
    if (at == std::string_view::npos) return "";
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at && i < text.size(); ++i) {
        if (text[i] == '\n') { ++line; column = 1; }
        else ++column;
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what;
}

}  // namespace dataengine::json

namespace dataengine::json {
simdjson::error_code parse_document(simdjson::dom::parser & parser, std::string_view text, bool padded,
                                    simdjson::padded_string & copy, element & out) {
    static_assert(simdjson::SIMDJSON_PADDING <= 64, "MappedFile::kPadding must cover simdjson's padding");
    if (padded) return parser.parse(text.data(), text.size(), false).get(out);
    copy = simdjson::padded_string(text);
    return parser.parse(copy).get(out);
}

std::string describe_parse_failure(simdjson::error_code code, std::string_view text) {
    std::string message = "invalid JSON (" + error_text(code) + ")";
    const std::string where = locate_syntax_error(text);
    if (!where.empty()) message += " at " + where;
    return message;
}
}  // namespace dataengine::json
