// Generation prompts: the default template, in-context examples, rendering, the request JSON.
#include "dataengine/gen.hpp"

namespace dataengine {

PromptTemplate PromptTemplate::default_template() {
    // Deliberately plain, as a first prompt is: it asks for the task and the layout and little
    // else. IPO (DESIGN §4.5) adds the instructions that reviews show it needs.
    PromptTemplate p;
    p.version = "v0";
    p.text =
        "You write training data for a vision-language model. It is weak at \"{type}\" questions: {definition}\n"
        "\n"
        "You cannot see the image. This is what it shows, as captions and as objects with normalised\n"
        "bounding boxes [x1, y1, x2, y2]:\n"
        "{description}\n"
        "\n"
        "Questions of this kind that the model answered wrongly:\n"
        "{examples}\n"
        "\n"
        "Write one new multiple-choice \"{type}\" question about this image, with four choices and an explanation.\n"
        "{rules}\n"
        "\n"
        "Reply in exactly this layout:\n"
        "Question: <the question>\n"
        "Choices: (A) <choice> (B) <choice> (C) <choice> (D) <choice>\n"
        "Answer: The answer is (<letter>): <explanation>";
    p.rules = {
        "The question must be answerable by looking at the image alone.",
        "If the image cannot support such a question, reply with the single word Skip.",
    };
    return p;
}

std::string format_example(const Sample & s) {
    std::string out = "Question: " + s.question + "\nChoices:";
    for (size_t k = 0; k < s.options.size(); ++k) out += std::string(" (") + char('A' + k) + ") " + s.options[k];
    out += "\nAnswer: ";
    if (s.has_answer()) {
        out += std::string("The answer is (") + char('A' + s.answer) + ")";
        out += s.rationales.empty() ? " " + s.options[size_t(s.answer)] + "." : ": " + s.rationales.front();
    }
    return out;
}

std::string render_prompt(const PromptTemplate & prompt, std::string_view type, std::string_view definition,
                          std::string_view description, const std::vector<const Sample *> & examples) {
    std::string example_text, rules;
    for (size_t i = 0; i < examples.size(); ++i) example_text += (i ? "\n\n" : "") + format_example(*examples[i]);
    if (examples.empty()) example_text = "(none)";
    for (size_t i = 0; i < prompt.rules.size(); ++i) rules += (i ? "\n" : "") + std::to_string(i + 1) + ". " + prompt.rules[i];
    std::string out;
    const std::string & t = prompt.text;
    for (size_t i = 0; i < t.size();) {
        if (t[i] != '{') {
            out += t[i++];
            continue;
        }
        const size_t close = t.find('}', i);
        if (close == std::string::npos) throw Error(Status::Invalid, "prompt " + prompt.version + ": '{' without '}'");
        const std::string name = t.substr(i + 1, close - i - 1);
        if (name == "type") out += type;
        else if (name == "definition") out += definition;
        else if (name == "description") out += description;
        else if (name == "examples") out += example_text;
        else if (name == "rules") out += rules;
        else throw Error(Status::Invalid, "prompt " + prompt.version + ": unknown placeholder {" + name +
                                              "} (type, definition, description, examples, rules)");
        i = close + 1;
    }
    return out;
}

std::string GenerationRequest::to_json() const {
    JsonWriter w;
    w.begin_object().key("prompt").value(prompt).key("type").value(type).key("definition").value(definition)
        .key("image").value(image_id).key("description").value(description).key("examples").begin_array();
    for (const std::string & id : example_ids) w.value(id);
    w.end_array().key("prompt_version").value(prompt_version).key("seed").value(seed).end_object();
    return w.take();
}

}  // namespace dataengine
