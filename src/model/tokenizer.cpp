// Word-level tokenizer and the text layouts of the built-in model. No LibTorch here.
#include <cctype>

#include "core/json_read.hpp"
#include "dataengine/model.hpp"

namespace dataengine {

Tokenizer::Tokenizer() {
    for (const char * special : {"<pad>", "<bos>", "<eos>", "<unk>"}) {
        ids_.emplace(special, int(words_.size()));
        words_.emplace_back(special);
    }
}

std::vector<std::string> Tokenizer::split_words(std::string_view text) {
    // Letters and digits form words; every other visible character is a token of its own.
    std::vector<std::string> out;
    std::string              word;
    auto flush = [&] {
        if (!word.empty()) out.push_back(std::move(word));
        word.clear();
    };
    for (const char c : text) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || u >= 0x80) {
            word += c;
        } else {
            flush();
            if (!std::isspace(u)) out.emplace_back(1, c);
        }
    }
    flush();
    return out;
}

void Tokenizer::add_words(const std::vector<std::string> & texts) {
    for (const std::string & text : texts)
        for (std::string & w : split_words(text))
            if (ids_.emplace(w, int(words_.size())).second) words_.push_back(std::move(w));
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
    std::vector<int> out;
    for (const std::string & w : split_words(text)) {
        auto it = ids_.find(w);
        out.push_back(it == ids_.end() ? kUnk : it->second);
    }
    return out;
}

std::string Tokenizer::decode(const std::vector<int> & ids) const {
    // Spaces go before words and "(", never right after "(": the layouts read back as written.
    std::string out;
    for (const int id : ids) {
        if (id == kPad || id == kBos || id == kEos) continue;
        const std::string & w = id >= 0 && id < size() ? words_[size_t(id)] : words_[kUnk];
        const bool word_like = std::isalnum(static_cast<unsigned char>(w[0])) || w[0] == '<';
        if (!out.empty() && out.back() != '(' && (word_like || w == "(")) out += ' ';
        out += w;
    }
    return out;
}

std::string Tokenizer::to_json() const {
    JsonWriter w;
    w.begin_object().key("words").begin_array();
    for (const std::string & word : words_) w.value(word);
    w.end_array().end_object();
    return w.take();
}

Tokenizer Tokenizer::from_json(std::string_view text) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    simdjson::dom::element  root;
    simdjson::dom::object   obj;
    std::vector<std::string> words;
    std::string             why;
    if (json::parse_document(parser, text, false, copy, root) || root.get(obj) ||
        !json::get_string_array(obj, "words", words, why))
        throw Error(Status::Format, "tokenizer: not a vocabulary file" + (why.empty() ? "" : ": " + why));
    if (words.size() < 4 || words[0] != "<pad>" || words[1] != "<bos>" || words[2] != "<eos>" || words[3] != "<unk>")
        throw Error(Status::Format, "tokenizer: the vocabulary must start with <pad>, <bos>, <eos>, <unk>");
    Tokenizer t;
    for (size_t i = 4; i < words.size(); ++i) {
        if (!t.ids_.emplace(words[i], int(t.words_.size())).second)
            throw Error(Status::Format, "tokenizer: word '" + words[i] + "' appears twice");
        t.words_.push_back(words[i]);
    }
    return t;
}

std::string question_prompt(const Sample & s) {
    std::string out;
    if (!s.hint.empty()) out += "Hint: " + s.hint + " ";
    out += "Question: " + s.question + " Options:";
    for (size_t k = 0; k < s.options.size(); ++k) out += std::string(" (") + option_letter(int(k)) + ") " + s.options[k];
    return out;
}

std::string answer_text(const Sample & s, int option, bool with_rationale) {
    if (option < 0 || option >= int(s.options.size()))
        throw Error(Status::Range, "answer_text: sample '" + s.id + "' has no option " + std::to_string(option));
    std::string out = std::string("The answer is (") + option_letter(option) + ") " + s.options[size_t(option)] + ".";
    if (with_rationale && !s.rationales.empty()) out += " " + s.rationales.front();
    return out;
}

double TrainReport::last_loss(int window) const {
    if (losses.empty()) return 0;
    const size_t n = std::min(losses.size(), size_t(std::max(1, window)));
    double total = 0;
    for (size_t i = losses.size() - n; i < losses.size(); ++i) total += losses[i];
    return total / double(n);
}

}  // namespace dataengine
