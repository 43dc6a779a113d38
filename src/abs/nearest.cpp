// Exact top-k cosine search over the pool's embeddings: a blocked matrix product (Eigen) per
// slice of the pool, one slice per thread, each keeping a bounded heap per anchor.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "abs/abs_internal.hpp"

namespace dataengine::abs {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr size_t kBlockRows = 2048;  // pool rows per product: 2048 x 512 floats = 4 MiB

bool worse(const Neighbour & a, const Neighbour & b) {
    return a.similarity > b.similarity || (a.similarity == b.similarity && a.row < b.row);
}

// Keeps the k best (similarity, row) of one anchor: a min-heap on similarity under `worse`.
void offer(std::vector<Neighbour> & heap, size_t k, Neighbour n) {
    if (heap.size() < k) {
        heap.push_back(n);
        std::push_heap(heap.begin(), heap.end(), worse);
    } else if (worse(n, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), worse);
        heap.back() = n;
        std::push_heap(heap.begin(), heap.end(), worse);
    }
}

}  // namespace

std::vector<std::vector<Neighbour>> nearest_pool_images(const ImagePool & pool, const std::vector<bool> & usable,
                                                        const std::vector<std::vector<float>> & anchors, size_t k,
                                                        const std::vector<float> & center) {
    const size_t m = anchors.size();
    std::vector<std::vector<Neighbour>> best(m);
    if (m == 0 || k == 0 || pool.size() == 0) return best;
    const size_t dim = anchors[0].size();
    Matrix anchor_matrix(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(dim));
    for (size_t j = 0; j < m; ++j) {
        if (anchors[j].size() != dim) throw Error(Status::Invalid, "ABS: anchor embeddings differ in size");
        for (size_t d = 0; d < dim; ++d)
            anchor_matrix(Eigen::Index(j), Eigen::Index(d)) = anchors[j][d] - (center.size() == dim ? center[d] : 0.0f);
        const float norm = anchor_matrix.row(Eigen::Index(j)).norm();
        if (norm > 0) anchor_matrix.row(Eigen::Index(j)) /= norm;
    }

    const size_t slices = std::max<size_t>(1, std::min<size_t>(size_t(hardware_threads()), (pool.size() + kBlockRows - 1) / kBlockRows));
    std::vector<std::vector<std::vector<Neighbour>>> partial(slices, std::vector<std::vector<Neighbour>>(m));
    ThreadPool threads(static_cast<int>(slices));
    threads.parallel_for(slices, 1, [&](size_t first, size_t last) {
        for (size_t slice = first; slice < last; ++slice) {
            const size_t begin = pool.size() * slice / slices, end = pool.size() * (slice + 1) / slices;
            auto & heaps = partial[slice];
            Matrix block, scores;
            std::vector<size_t> rows;
            for (size_t start = begin; start < end; start += kBlockRows) {
                rows.clear();
                for (size_t r = start; r < std::min(end, start + kBlockRows); ++r)
                    if (usable[r] && pool[r].embedding.size() == dim) rows.push_back(r);
                if (rows.empty()) continue;
                block.resize(Eigen::Index(rows.size()), Eigen::Index(dim));
                for (size_t i = 0; i < rows.size(); ++i) {
                    const float * e = pool[rows[i]].embedding.data();
                    auto row = block.row(Eigen::Index(i));
                    row = Eigen::Map<const Eigen::RowVectorXf>(e, Eigen::Index(dim));
                    if (center.size() == dim) row -= Eigen::Map<const Eigen::RowVectorXf>(center.data(), Eigen::Index(dim));
                    const float norm = row.norm();
                    if (norm > 0) row /= norm;
                }
                scores.noalias() = block * anchor_matrix.transpose();  // [rows, anchors]
                for (size_t i = 0; i < rows.size(); ++i)
                    for (size_t j = 0; j < m; ++j)
                        offer(heaps[j], k, {scores(Eigen::Index(i), Eigen::Index(j)), rows[i]});
            }
        }
    });
    for (size_t j = 0; j < m; ++j) {
        for (auto & heaps : partial) best[j].insert(best[j].end(), heaps[j].begin(), heaps[j].end());
        std::sort(best[j].begin(), best[j].end(), worse);
        if (best[j].size() > k) best[j].resize(k);
    }
    return best;
}

}  // namespace dataengine::abs
