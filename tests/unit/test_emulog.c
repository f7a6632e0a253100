/* emulog: the log lines as CloudWatch shows them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulog.h"
#include "json.h"

static char *text;
static size_t text_len;
static FILE *out;
static struct emu e;

static void setup(void)
{
    out = open_memstream(&text, &text_len);
    memset(&e, 0, sizeof(e));
    e.opts.log_out = out;
}

static void teardown(void)
{
    fclose(out);
    free(text);
}

TestSuite(emulog, .init = setup, .fini = teardown);

static struct invocation *timed(uint64_t duration_us, double init_ms)
{
    struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
    snprintf(inv->request_id, sizeof(inv->request_id), "%s",
             "0f3c1b62-0d2e-4a57-9d5e-2a2f6f0c7a11");
    inv->started_us = 1000000;
    inv->finished_us = 1000000 + duration_us;
    inv->init_ms = init_ms;
    inv->max_memory_mb = 61;
    return inv;
}

Test(emulog, start_end_and_report_lines_as_lambda_writes_them)
{
    struct invocation *inv = timed(12345, -1);
    el_start(&e, "orders", inv);
    el_end_report(&e, "orders", inv, 256);
    fflush(out);
    cr_assert_str_eq(text,
                     "[orders] START RequestId: 0f3c1b62-0d2e-4a57-9d5e-2a2f6f0c7a11 Version: $LATEST\n"
                     "[orders] END RequestId: 0f3c1b62-0d2e-4a57-9d5e-2a2f6f0c7a11\n"
                     "[orders] REPORT RequestId: 0f3c1b62-0d2e-4a57-9d5e-2a2f6f0c7a11\t"
                     "Duration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\t"
                     "Max Memory Used: 61 MB\t\n");
    inv_free(inv);
}

Test(emulog, cold_start_reports_init_duration_and_bills_it)
{
    struct invocation *inv = timed(2000, 150.5);
    el_end_report(&e, "f", inv, 128);
    fflush(out);
    cr_assert(strstr(text, "\tDuration: 2.00 ms\tBilled Duration: 153 ms\tMemory Size: 128 MB\t"
                           "Max Memory Used: 61 MB\tInit Duration: 150.50 ms\t\n"),
              "%s", text);
    inv_free(inv);
}

Test(emulog, timeouts_and_runtime_errors_add_a_status)
{
    struct invocation *inv = timed(3000000, -1);
    inv->timed_out = true;
    el_end_report(&e, "f", inv, 128);
    inv->timed_out = false;
    snprintf(inv->error_type, sizeof(inv->error_type), "Runtime.ExitError");
    el_end_report(&e, "f", inv, 128);
    fflush(out);
    cr_assert(strstr(text, "Max Memory Used: 61 MB\tStatus: timeout\t\n"), "%s", text);
    cr_assert(strstr(text, "Status: error\tError Type: Runtime.ExitError\t\n"), "%s", text);
    inv_free(inv);
}

Test(emulog, multi_line_messages_keep_their_lines)
{
    el_function(&e, "f", NULL, "one\rtwo", 7);
    fflush(out);
    cr_assert_str_eq(text, "[f] one\ntwo\n");
}

Test(emulog, json_format_is_one_object_per_line)
{
    struct invocation *inv = timed(1000, -1);
    e.opts.log_format = EMU_LOG_JSON;
    el_function(&e, "f", inv, "hello", 5);
    fflush(out);
    struct fn_err err = FN_ERR_INIT;
    json_t *v = fj_parse(text, text_len, "log", &err);
    cr_assert_not_null(v, "%s: %s", err.msg, text);
    cr_assert_str_eq(fj_str(v, "function", ""), "f");
    cr_assert_str_eq(fj_str(v, "requestId", ""), inv->request_id);
    cr_assert_str_eq(fj_str(v, "type", ""), "function");
    cr_assert_str_eq(fj_str(v, "message", ""), "hello");
    cr_assert(strlen(fj_str(v, "time", "")) == 24, "%s", fj_str(v, "time", ""));
    json_decref(v);
    inv_free(inv);
}

Test(emulog, lines_of_an_invocation_that_asked_go_to_its_tail)
{
    struct invocation *inv = timed(1000, -1);
    inv->want_tail = true;
    el_function(&e, "f", inv, "hello", 5);
    cr_assert_str_eq(buf_cstr(&inv->tail), "hello\n");
    inv_free(inv);
}
