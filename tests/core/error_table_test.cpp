// The error tables (core/errors.h): every family of every layer names each of its codes once,
// with a message; positive WIP errnums (SSL, SMTP, HTTP, FTP, POP3) never share a value;
// lookups fall back as documented.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

extern "C" {
#include "adl/services.h"
#include "wip/wip_errors.h"
#include "adl_error.h"
#include "adl_flash.h"
#include "wip_channel.h"
#include "wip_ftp.h"
#include "wip_http.h"
#include "wip_pop3.h"
#include "wip_smtp.h"
#include "wip_ssl.h"
}

namespace {

std::vector<const oat_err_table *> AllFamilies()
{
    std::vector<const oat_err_table *> all;
    for (const oat_err_table *const *t = oat_adl_err_tables; *t; t++)
        all.push_back(*t);
    for (const oat_err_table *const *t = oat_wip_err_tables; *t; t++)
        all.push_back(*t);
    return all;
}

TEST(ErrorTable, EveryCodeOfEveryFamilyHasAUniqueNameAndAMessage)
{
    std::set<std::string> families, names;
    for (const oat_err_table *t : AllFamilies()) {
        ASSERT_NE(t->family, nullptr);
        EXPECT_TRUE(families.insert(t->family).second) << t->family;
        EXPECT_GT(t->count, 0u) << t->family;
        std::set<long long> codes;
        for (size_t i = 0; i < t->count; i++) {
            const oat_err_info &e = t->codes[i];
            ASSERT_NE(e.name, nullptr) << t->family << " " << e.code;
            EXPECT_TRUE(names.insert(e.name).second) << e.name << " named twice";
            EXPECT_TRUE(codes.insert(e.code).second) << t->family << ": " << e.code << " twice";
            ASSERT_NE(e.message, nullptr) << e.name;
            EXPECT_GT(std::string(e.message).size(), 3u) << e.name;
            EXPECT_STREQ(oat_err_name(t, e.code), e.name);
            EXPECT_STREQ(oat_err_message(t, e.code), e.message);
        }
    }
    EXPECT_EQ(families.size(), 10u);   // ADL_RET, ADL_FLH_RET, ADL_GPRS, WIP_CERR, WIP_BERR, SSL,
                                       // SMTP, HTTP, FTP, POP3
}

TEST(ErrorTable, HttpCodesSitApartFromSslSmtpAndStatusCodes)
{
    const oat_err_table &http = oat_wip_http_errors;
    for (size_t j = 0; j < http.count; j++) {   // 201..299: apart from SSL's and SMTP's
        EXPECT_GT(http.codes[j].code, 200) << http.codes[j].name;
        EXPECT_LT(http.codes[j].code, 300) << http.codes[j].name;
    }
    EXPECT_STREQ(oat_err_name(&http, WIP_CERR_TIMEOUT), "WIP_CERR_TIMEOUT");
}

TEST(ErrorTable, FtpAndPop3CodesSitAboveEveryReplyCodeAndApartFromTheOthers)
{
    const oat_err_table &ftp = oat_wip_ftp_errors, &pop3 = oat_wip_pop3_errors;
    for (size_t j = 0; j < ftp.count; j++) {   // FTP's replies (1xx..5xx) are errnums too
        EXPECT_GT(ftp.codes[j].code, 600) << ftp.codes[j].name;
        EXPECT_LT(ftp.codes[j].code, 700) << ftp.codes[j].name;
    }
    for (size_t j = 0; j < pop3.count; j++) {
        EXPECT_GT(pop3.codes[j].code, 700) << pop3.codes[j].name;
        EXPECT_LT(pop3.codes[j].code, 800) << pop3.codes[j].name;
    }
    std::set<long long> positive;              // no two WIP families share a positive errnum
    for (const oat_err_table *const *t = oat_wip_err_tables; *t; t++)
        for (size_t i = 0; i < (*t)->count; i++)
            if ((*t)->codes[i].code > 0)
                EXPECT_TRUE(positive.insert((*t)->codes[i].code).second) << (*t)->codes[i].name;
    EXPECT_STREQ(oat_err_name(&pop3, WIP_CERR_PIPE_BROKEN), "WIP_CERR_PIPE_BROKEN");
    EXPECT_EQ(oat_err_name(&ftp, 550), nullptr);   // a server reply code
}

TEST(ErrorTable, SslAndSmtpCodesDoNotCollide)
{
    const oat_err_table &ssl = oat_wip_ssl_errors, &smtp = oat_wip_smtp_errors;
    for (size_t i = 0; i < ssl.count; i++) {
        EXPECT_GT(ssl.codes[i].code, 0) << ssl.codes[i].name;
        EXPECT_LT(ssl.codes[i].code, 100) << ssl.codes[i].name;
        for (size_t j = 0; j < smtp.count; j++)
            EXPECT_NE(ssl.codes[i].code, smtp.codes[j].code)
                << ssl.codes[i].name << " = " << smtp.codes[j].name;
    }
    for (size_t j = 0; j < smtp.count; j++) {   // nor with the server's reply codes
        EXPECT_GT(smtp.codes[j].code, 100) << smtp.codes[j].name;
        EXPECT_LT(smtp.codes[j].code, 200) << smtp.codes[j].name;
    }
    EXPECT_EQ(WIP_SSL_ERR_CERTIFICATE, 1);   // the module's value (forum sample S5)
}

TEST(ErrorTable, ServiceFamiliesFallBackToTheirGenericOne)
{
    EXPECT_STREQ(oat_err_name(&oat_adl_flh_errors, ADL_FLH_RET_ERR_MEM_FULL), "ADL_FLH_RET_ERR_MEM_FULL");
    EXPECT_STREQ(oat_err_name(&oat_adl_flh_errors, ADL_RET_ERR_PARAM), "ADL_RET_ERR_PARAM");
    EXPECT_STREQ(oat_err_name(&oat_wip_smtp_errors, WIP_CERR_TIMEOUT), "WIP_CERR_TIMEOUT");
    EXPECT_STREQ(oat_err_name(&oat_wip_ssl_errors, WIP_SSL_ERR_HANDSHAKE), "WIP_SSL_ERR_HANDSHAKE");
    EXPECT_EQ(oat_err_name(&oat_wip_smtp_errors, 550), nullptr);   // a server reply code
    EXPECT_STREQ(oat_err_message(&oat_wip_smtp_errors, 550), "unknown code");
}

TEST(ErrorTable, NamedLookupsKeepTheirAnswersForCodesOutsideTheTable)
{
    EXPECT_STREQ(oat_cerr_name(0), "OK");
    EXPECT_STREQ(oat_cerr_name(12345), "error");
    EXPECT_STREQ(oat_cerr_name(WIP_CERR_REFUSED), "WIP_CERR_REFUSED");
    EXPECT_EQ(oat_berr_name(0), nullptr);
    EXPECT_EQ(oat_adl_ret_name(-99), nullptr);
    EXPECT_STREQ(oat_adl_ret_name(OK), "OK");
}

}  // namespace
