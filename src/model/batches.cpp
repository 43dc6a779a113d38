// Samples to tensors, and the background loader.
#include "model/batches.hpp"

#include <algorithm>

namespace dataengine::batches {

std::string ImageSource::key(const Dataset & data, const Sample & s) {
    return s.image.kind == ImageKind::File ? data.image_root() + "/" + s.image.value : "#" + s.id;
}

std::shared_ptr<const Image> ImageSource::get(const Dataset & data, const Sample & s) {
    return cache_.get(key(data, s), [&] {
        Image image = decode_image(data.image_bytes(s), {}, key(data, s));
        return image.width == size_ && image.height == size_ ? image : resize(image, size_, size_);
    });
}

torch::Tensor ImageSource::tensor(const std::vector<std::shared_ptr<const Image>> & images) const {
    auto out = torch::empty({int64_t(images.size()), 3, size_, size_});
    const Normalization norm;
    for (size_t i = 0; i < images.size(); ++i) normalize_into(*images[i], norm, out[int64_t(i)].data_ptr<float>());
    return out;
}

void append_sequence(const Tokenizer & tokenizer, const std::string & context, const std::string & target,
                     int max_tokens, std::vector<int64_t> & tokens, std::vector<int64_t> & targets) {
    std::vector<int> c = tokenizer.encode(context), t = tokenizer.encode(target);
    t.push_back(Tokenizer::kEos);
    // Keep the whole target when possible: cut the context from the left, then the target's end.
    const int room = max_tokens - 1;  // <bos>
    if (int(c.size() + t.size()) > room) {
        const int keep_context = std::max(0, room - int(t.size()));
        c.erase(c.begin(), c.end() - std::min<int>(int(c.size()), keep_context));
        if (int(c.size() + t.size()) > room) t.resize(size_t(room - int(c.size())));
    }
    std::vector<int64_t> seq = {Tokenizer::kBos};
    seq.insert(seq.end(), c.begin(), c.end());
    const size_t target_start = seq.size();
    seq.insert(seq.end(), t.begin(), t.end());
    // Input is seq[0..n-2]; position p predicts seq[p+1]; loss where seq[p+1] is target.
    for (size_t p = 0; p + 1 < seq.size(); ++p) {
        tokens.push_back(seq[p]);
        targets.push_back(p + 1 >= target_start ? seq[p + 1] : kIgnore);
    }
}

void pad_rows(std::vector<std::vector<int64_t>> & rows, int64_t value, int64_t length) {
    for (auto & row : rows) row.resize(size_t(length), value);
}

torch::Tensor to_tensor(const std::vector<std::vector<int64_t>> & rows) {
    const int64_t N = int64_t(rows.size()), T = rows.empty() ? 0 : int64_t(rows[0].size());
    auto out = torch::empty({N, T}, torch::kInt64);
    for (int64_t n = 0; n < N; ++n) std::copy(rows[size_t(n)].begin(), rows[size_t(n)].end(), out[n].data_ptr<int64_t>());
    return out;
}

torch::Tensor prompt_lengths(const torch::Tensor & targets) {
    const int64_t B = targets.size(0), T = targets.size(1);
    auto out = torch::full({B}, T, torch::kInt64);
    const auto t = targets.accessor<int64_t, 2>();
    auto       o = out.accessor<int64_t, 1>();
    for (int64_t b = 0; b < B; ++b)
        for (int64_t p = 0; p < T; ++p)
            if (t[b][p] != kIgnore) {
                o[b] = p + 1;  // input p (the prompt's last token) predicts the first target
                break;
            }
    return out;
}

void Sequences::add(const Tokenizer & tokenizer, const std::string & context, const std::string & target, int max_tokens) {
    tokens.emplace_back();
    targets.emplace_back();
    append_sequence(tokenizer, context, target, max_tokens, tokens.back(), targets.back());
    longest = std::max(longest, int64_t(tokens.back().size()));
}

std::pair<torch::Tensor, torch::Tensor> Sequences::tensors() {
    // Padded to the longest sequence of this batch, not to the model's maximum: most are short.
    pad_rows(tokens, Tokenizer::kPad, longest);
    pad_rows(targets, kIgnore, longest);
    return {to_tensor(tokens), to_tensor(targets)};
}

void grounding_targets(const Tokenizer & tokenizer, const std::vector<BoxObject> & boxes, int side, torch::Tensor row) {
    std::vector<std::vector<int>> words;
    for (const BoxObject & b : boxes) words.push_back(tokenizer.encode(b.name));
    auto cells = row.accessor<float, 2>();
    for (int gy = 0; gy < side; ++gy)
        for (int gx = 0; gx < side; ++gx) {
            const double x = (gx + 0.5) / side, y = (gy + 0.5) / side;
            int    best = -1;
            double best_area = 2;
            for (size_t i = 0; i < boxes.size(); ++i) {
                const BoxObject & b = boxes[i];
                const double area = (b.x2 - b.x1) * (b.y2 - b.y1);
                // The smallest box: where boxes overlap, the small object usually lies on the large one.
                if (x >= b.x1 && x <= b.x2 && y >= b.y1 && y <= b.y2 && area < best_area) {
                    best      = int(i);
                    best_area = area;
                }
            }
            // The object's distinct known words in equal shares; <pad>, "nothing here", otherwise.
            std::vector<int> ids;
            if (best >= 0)
                for (const int id : words[size_t(best)])
                    if (id != Tokenizer::kUnk && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
            if (ids.empty()) ids.push_back(Tokenizer::kPad);
            auto cell = cells[gy * side + gx];
            for (const int id : ids) cell[id] = 1.0f / float(ids.size());
        }
}

namespace {

// A sample's extra["boxes"]: only box lines (an empty text is an image with nothing in it). A
// line that is not one would silently teach "nothing here" where the host meant an object.
std::vector<BoxObject> sample_boxes(const Sample & s, const std::string & text) {
    std::vector<BoxObject> boxes;
    int line_number = 0;
    for (const std::string & line : split(text, '\n')) {
        ++line_number;
        if (trim(line).empty()) continue;
        const std::vector<BoxObject> one = parse_box_lines(line);
        if (one.size() != 1)
            throw Error(Status::Format, "train: sample '" + s.id + "': extra.boxes line " + std::to_string(line_number) + " ('" +
                                            trim(line) + "') is not 'name: [x1, y1, x2, y2]' with corners in 0..1");
        boxes.push_back(one.front());
    }
    return boxes;
}

}  // namespace

Loader::Loader(const std::vector<TrainSource> & sources, const TrainOptions & options, const Tokenizer & tokenizer,
               const ModelConfig & config, int64_t first_step, int64_t end_step)
    : sources_(sources), options_(options), tokenizer_(tokenizer), config_(config), images_(config.image_size),
      next_step_(first_step), end_step_(end_step) {
    double total = 0;
    for (const TrainSource & s : sources_) {
        if (!s.data || s.data->empty()) throw Error(Status::Invalid, "train: a training source is empty");
        if (s.weight <= 0) throw Error(Status::Invalid, "train: source weights must be positive");
        total += s.weight;
    }
    if (sources_.empty() || total <= 0) throw Error(Status::Invalid, "train: no training data");
    thread_ = std::thread([this] { run(); });
}

Loader::~Loader() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

Batch Loader::make(int64_t step) {
    Rng rng = Rng(options_.seed).fork(uint64_t(step));
    double total = 0;
    for (const TrainSource & s : sources_) total += s.weight;
    const int B = options_.batch_size, T = config_.max_text_tokens;
    std::vector<std::shared_ptr<const Image>> images;
    Sequences sequences;
    Batch batch;
    const bool grounding = options_.grounding_weight > 0;
    const int  side      = config_.image_tokens_side;
    if (grounding) {
        batch.grounding = torch::zeros({B, side * side, tokenizer_.size()});
        batch.grounded  = torch::zeros({B});
    }
    for (int b = 0; b < B; ++b) {
        double pick = rng.uniform() * total;
        size_t src  = 0;
        while (src + 1 < sources_.size() && pick >= sources_[src].weight) pick -= sources_[src++].weight;
        const TrainSource & source = sources_[src];
        const Sample &      s      = (*source.data)[rng.below(source.data->size())];
        images.push_back(images_.get(*source.data, s));
        if (grounding) {
            const auto boxes = s.extra.find("boxes");
            if (boxes != s.extra.end()) {
                grounding_targets(tokenizer_, sample_boxes(s, boxes->second), side, batch.grounding[b]);
                batch.grounded[b] = 1;
            }
        }
        if (source.kind == TrainSource::Kind::Captions) {
            if (s.direct_answers.empty()) throw Error(Status::Invalid, "train: caption sample '" + s.id + "' has no caption");
            sequences.add(tokenizer_, "", s.direct_answers.front(), T);
        } else {
            if (!s.has_answer()) throw Error(Status::Invalid, "train: question '" + s.id + "' has no answer");
            // Options in a random order each time: the model must not learn letter positions.
            Sample shuffled = s;
            std::vector<size_t> order(s.options.size());
            for (size_t k = 0; k < order.size(); ++k) order[k] = k;
            rng.shuffle(order);
            for (size_t k = 0; k < order.size(); ++k) {
                shuffled.options[k] = s.options[order[k]];
                if (int(order[k]) == s.answer) shuffled.answer = int(k);
            }
            sequences.add(tokenizer_, question_prompt(shuffled), answer_text(shuffled, shuffled.answer, options_.with_rationale), T);
        }
    }
    batch.images  = images_.tensor(images);
    std::tie(batch.tokens, batch.targets) = sequences.tensors();
    batch.step    = step;
    return batch;
}

void Loader::run() {
    for (;;) {
        int64_t step;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [&] { return stop_ || ready_.size() < 3; });
            if (stop_ || next_step_ >= end_step_) return;
            step = next_step_++;
        }
        try {
            Batch batch = make(step);
            std::lock_guard<std::mutex> lock(mutex_);
            ready_.push_back(std::move(batch));
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = std::current_exception();
            changed_.notify_all();
            return;
        }
        changed_.notify_all();
    }
}

Batch Loader::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || error_; });
    if (ready_.empty() && error_) std::rethrow_exception(error_);
    Batch batch = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return batch;
}

}  // namespace dataengine::batches
