#include <criterion/criterion.h>
#include <string.h>

#include "b64.h"

struct row {
    const char *plain, *encoded;
};

/* RFC 4648 section 10 test vectors */
static const struct row rfc[] = {
    { "", "" },          { "f", "Zg==" },         { "fo", "Zm8=" },
    { "foo", "Zm9v" },   { "foob", "Zm9vYg==" },  { "fooba", "Zm9vYmE=" },
    { "foobar", "Zm9vYmFy" },
};

Test(b64, encodes_the_rfc_vectors)
{
    for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
        struct buf out = BUF_INIT;
        b64_encode(rfc[i].plain, strlen(rfc[i].plain), &out);
        cr_assert_str_eq(buf_cstr(&out), rfc[i].encoded, "row %zu", i);
        buf_release(&out);
    }
}

Test(b64, decodes_the_rfc_vectors)
{
    for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
        struct buf out = BUF_INIT;
        cr_assert_eq(b64_decode(rfc[i].encoded, strlen(rfc[i].encoded), &out), 0, "row %zu", i);
        cr_assert_str_eq(buf_cstr(&out), rfc[i].plain, "row %zu", i);
        buf_release(&out);
    }
}

Test(b64, round_trips_binary_bytes)
{
    unsigned char all[256];
    struct buf enc = BUF_INIT, dec = BUF_INIT;
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    b64_encode(all, sizeof(all), &enc);
    cr_assert_eq(b64_decode(enc.data, enc.len, &dec), 0);
    cr_assert_eq(dec.len, 256);
    cr_assert_eq(memcmp(dec.data, all, 256), 0);
    buf_release(&enc);
    buf_release(&dec);
}

Test(b64, refuses_bad_input_and_leaves_the_buffer_unchanged)
{
    static const char *const bad[] = { "Zm9v!", "Zg==Zg", "Z", "Zm9=v" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct buf out = BUF_INIT;
        buf_addstr(&out, "kept");
        cr_assert_eq(b64_decode(bad[i], strlen(bad[i]), &out), -1, "'%s' accepted", bad[i]);
        cr_assert_str_eq(buf_cstr(&out), "kept");
        buf_release(&out);
    }
}

Test(b64, skips_whitespace)
{
    struct buf out = BUF_INIT;
    cr_assert_eq(b64_decode("Zm9v\nYmFy\r\n", 11, &out), 0);
    cr_assert_str_eq(buf_cstr(&out), "foobar");
    buf_release(&out);
}
