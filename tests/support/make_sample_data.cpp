// Writes the sample files that the README's main command evaluates (examples/data/):
// a small MMBench-style dev set with real PNG images and circular copies, and the predictions
// of an imaginary model answering in free text, the way VLMEvalKit stores them.
// Usage: make_sample_data OUT_DIR. Deterministic: the test suite checks the committed files.
#include <cstdio>

#include "dataengine/data.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

struct Question {
    const char * category;
    const char * l2;
    const char * question;
    std::vector<std::string> options;
    int answer;
};

const std::vector<Question> kQuestions = {
    {"attribute_recognition", "Fine-grained Perception (instance-level)", "What colour is the rectangle?", {"red", "green", "blue", "yellow"}, 0},
    {"attribute_recognition", "Fine-grained Perception (instance-level)", "Is the rectangle large or small?", {"large", "small"}, 1},
    {"attribute_recognition", "Fine-grained Perception (instance-level)", "What colour is the background at the top?", {"dark", "light", "striped"}, 0},
    {"object_localization", "Fine-grained Perception (instance-level)", "Where is the rectangle?", {"top left", "top right", "bottom left", "bottom right"}, 2},
    {"object_localization", "Fine-grained Perception (instance-level)", "Is the rectangle in the left half?", {"yes", "no"}, 0},
    {"object_localization", "Fine-grained Perception (instance-level)", "Which edge is the rectangle closest to?", {"top", "bottom", "left", "right"}, 1},
    {"spatial_relationship", "Fine-grained Perception (cross-instance)", "Is the rectangle above the centre?", {"yes", "no"}, 1},
    {"spatial_relationship", "Fine-grained Perception (cross-instance)", "Is the bright area left of the rectangle?", {"yes", "no", "cannot tell"}, 0},
    {"spatial_relationship", "Fine-grained Perception (cross-instance)", "What is right of the rectangle?", {"gradient", "another rectangle", "text", "nothing"}, 0},
    {"image_scene", "Coarse Perception", "What kind of image is this?", {"a synthetic test pattern", "a photograph of a street", "a painting", "a chart"}, 0},
    {"image_scene", "Coarse Perception", "Is this image a photograph?", {"yes", "no"}, 1},
    {"image_scene", "Coarse Perception", "How would you describe the colours?", {"a smooth gradient", "black and white", "a single colour"}, 0},
};

// How the imaginary model answers question q, copy k: mostly right, in varied free text.
std::string answer_text(size_t q, size_t k, const std::vector<std::string> & options, int answer) {
    const bool wrong = (q * 7 + k * 3) % 11 == 0;
    const int  pick  = wrong ? (answer + 1) % int(options.size()) : answer;
    const std::string letter(1, option_letter(pick));
    switch ((q + k) % 4) {
        case 0: return letter;
        case 1: return "The answer is (" + letter + ") " + options[size_t(pick)] + ".";
        case 2: return "Looking at the image, I would say " + options[size_t(pick)] + ".";
        default: return q % 6 == 5 ? "Cannot determine the answer from this image." : "Answer: " + letter;
    }
}

}  // namespace

int main(int argc, char ** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_sample_data OUT_DIR\n");
        return 2;
    }
    const std::string out = argv[1];
    Dataset           bench;
    std::string       predictions = "index\tquestion\tA\tB\tC\tD\tanswer\tcategory\tprediction\n";
    std::vector<Sample> copies;
    for (size_t q = 0; q < kQuestions.size(); ++q) {
        const Question & spec = kQuestions[q];
        const std::string image = fixtures::png(48, 32, q + 1);
        const size_t n = spec.options.size();
        for (size_t k = 0; k < n; ++k) {
            Sample s;
            s.id             = std::to_string(k * 1000000 + q);
            s.question       = spec.question;
            s.type           = spec.category;
            s.parent_type    = spec.l2;
            s.circular_group = std::to_string(q);
            s.rotation       = int(k);
            s.image          = ImageRef::inline_bytes(image);
            for (size_t j = 0; j < n; ++j) s.options.push_back(spec.options[(j + k) % n]);
            s.answer = int((size_t(spec.answer) + n - k) % n);
            s.extra["source"] = "dataengine sample";
            s.extra["split"]  = "dev";
            std::string row = s.id + "\t" + s.question;
            for (size_t j = 0; j < 4; ++j) row += "\t" + (j < n ? s.options[j] : std::string());
            row += "\t" + std::string(1, option_letter(s.answer)) + "\t" + s.type + "\t" +
                   answer_text(q, k, s.options, s.answer) + "\n";
            predictions += row;
            bench.add(std::move(s));
        }
    }
    write_dataset(bench, out + "/mmbench_sample.tsv", Format::MMBench);
    write_file_atomic(out + "/mmbench_sample_predictions.tsv", predictions);
    std::printf("wrote %zu questions to %s\n", bench.size(), out.c_str());
    return 0;
}
