/* A host program built against an installed dataengine (find_package or pkg-config): checks the
 * ABI version it was compiled for against the library it loaded, then makes a small world. */
#include <stdio.h>

#include <dataengine.h>

int main(void) {
    if (de_abi_version() != DE_ABI_VERSION) {
        fprintf(stderr, "dataengine ABI %d loaded, %d expected\n", (int)de_abi_version(), DE_ABI_VERSION);
        return 1;
    }
    de_world_options o;
    de_world_t *     world = NULL;
    de_dataset_t *   dev   = NULL;
    size_t           n     = 0;
    if (de_world_options_init(&o, sizeof o) != DE_OK) return 2;
    o.per_type       = 3;
    o.pool_images    = 10;
    o.caption_images = 1;
    if (de_world_create(&o, &world) != DE_OK || de_world_questions(world, DE_SPLIT_DEV, &dev) != DE_OK ||
        de_dataset_count(dev, &n) != DE_OK) {
        fprintf(stderr, "dataengine: %s\n", de_last_error());
        return 3;
    }
    printf("consumer ok: dataengine %s, ABI %d, %zu dev questions\n", de_version(), (int)de_abi_version(), n);
    de_dataset_free(dev);
    de_world_free(world);
    return 0;
}
