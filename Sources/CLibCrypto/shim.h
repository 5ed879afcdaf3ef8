#ifndef KUBUQI_CLIBCRYPTO_SHIM_H
#define KUBUQI_CLIBCRYPTO_SHIM_H
/* OpenSSL's libcrypto (Debian: libssl-dev), for the SHA-256 of inputs and outputs. */
#include <openssl/evp.h>
#endif
