#pragma once

#include <utility>

#include <QByteArray>
#include <QCryptographicHash>
#include <QDateTime>
#include <QList>
#include <QMessageAuthenticationCode>
#include <QString>

#include "imsa/credentials.h"
#include "imsa/detail/sigv4canonical.h"

// AWS Signature Version 4 (AWS4-HMAC-SHA256), pure and synchronous: request in, signature out.
// Checked against the aws-c-auth signing test suite in tests/data/sigv4.
namespace imsa::sigv4 {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

struct Request
{
    QByteArray method; ///< "GET", "POST"
    QByteArray
            target; ///< request-target exactly as on the request line: raw path + optional "?query"
    HeaderList headers; ///< in the order received; names in any case; values raw (untrimmed)
    QByteArray body;
};

struct Options
{
    QString region;
    QString service;
    QDateTime time; ///< UTC
    bool normalizePath = true; ///< false for S3-style services
    bool signBody = false; ///< add and sign x-amz-content-sha256 (header signing only)
    bool omitSessionToken = false; ///< token added after signing, not signed
    int expiresSeconds = 0; ///< query signing: X-Amz-Expires (AWS accepts 1..604800)
};

struct Signature
{
    QByteArray canonicalRequest;
    QByteArray stringToSign;
    QByteArray signature; ///< lowercase hex
    /// Header signing: [X-Amz-Security-Token], X-Amz-Date, [x-amz-content-sha256], Authorization,
    /// in the order the AWS test suite adds them.
    HeaderList addedHeaders;
    /// Query signing: target with the X-Amz-* parameters (and signature) appended; header
    /// signing: target unchanged.
    QByteArray signedTarget;
};

} // namespace imsa::sigv4

namespace imsa::detail {

inline constexpr char sigV4Algorithm[] = "AWS4-HMAC-SHA256";

inline QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

inline QByteArray hmacSha256(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

/// Everything of one signing that depends only on credentials, options and time.
struct SigV4Scope
{
    QByteArray amzDate; ///< 20150830T123600Z
    QByteArray scope; ///< 20150830/us-east-1/service/aws4_request
    QByteArray credential; ///< AKID/scope
    QByteArray signingKey;
};

inline SigV4Scope sigV4Scope(const AwsCredentials &credentials, const sigv4::Options &options)
{
    const QDateTime utc = options.time.toUTC();
    const QByteArray date = utc.toString(QStringLiteral("yyyyMMdd")).toLatin1();
    const QByteArray region = options.region.toUtf8();
    const QByteArray service = options.service.toUtf8();

    SigV4Scope result;
    result.amzDate = utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
    result.scope = date + '/' + region + '/' + service + "/aws4_request";
    result.credential = credentials.accessKeyId.toUtf8() + '/' + result.scope;
    // Derivation chain from "Calculate the signature for AWS Signature Version 4".
    QByteArray key = hmacSha256("AWS4" + credentials.secretAccessKey.toUtf8(), date);
    key = hmacSha256(key, region);
    key = hmacSha256(key, service);
    result.signingKey = hmacSha256(key, QByteArrayLiteral("aws4_request"));
    return result;
}

/// Fills stringToSign and signature of `signature` from its canonicalRequest.
inline void sigV4Finish(sigv4::Signature &signature, const SigV4Scope &scope)
{
    signature.stringToSign = QByteArray(sigV4Algorithm) + '\n' + scope.amzDate + '\n' + scope.scope
            + '\n' + sha256Hex(signature.canonicalRequest);
    signature.signature = hmacSha256(scope.signingKey, signature.stringToSign).toHex();
}

inline QByteArray sigV4CanonicalRequest(const sigv4::Request &request, const QByteArray &path,
                                        const QByteArray &query,
                                        const SigV4CanonicalHeaders &headers, bool normalizePath)
{
    return request.method + '\n' + canonicalUri(path, normalizePath) + '\n' + query + '\n'
            + headers.block + '\n' + headers.signedHeaders + '\n' + sha256Hex(request.body);
}

} // namespace imsa::detail

namespace imsa::sigv4 {

/// Signs with an Authorization header. The payload hash is that of request.body. request.headers
/// are all signed and must not already contain the headers this adds (see Signature).
inline Signature signHeaders(const Request &request, const AwsCredentials &credentials,
                             const Options &options)
{
    const detail::SigV4Scope scope = detail::sigV4Scope(credentials, options);
    const bool hasToken = !credentials.sessionToken.isEmpty();

    HeaderList added;
    if (hasToken)
        added.append(
                {QByteArrayLiteral("X-Amz-Security-Token"), credentials.sessionToken.toUtf8()});
    added.append({QByteArrayLiteral("X-Amz-Date"), scope.amzDate});
    if (options.signBody)
        added.append({QByteArrayLiteral("x-amz-content-sha256"), detail::sha256Hex(request.body)});

    HeaderList toSign = request.headers;
    for (const auto &header : std::as_const(added)) {
        if (!(options.omitSessionToken && header.first == "X-Amz-Security-Token"))
            toSign.append(header);
    }
    const detail::SigV4CanonicalHeaders headers = detail::canonicalHeaders(toSign);
    const auto [path, query] = detail::splitTarget(request.target);

    Signature result;
    result.canonicalRequest = detail::sigV4CanonicalRequest(
            request, path, detail::canonicalQuery(detail::queryParams(query)), headers,
            options.normalizePath);
    detail::sigV4Finish(result, scope);
    added.append({QByteArrayLiteral("Authorization"),
                  QByteArray(detail::sigV4Algorithm) + " Credential=" + scope.credential
                          + ", SignedHeaders=" + headers.signedHeaders
                          + ", Signature=" + result.signature});
    result.addedHeaders = added;
    result.signedTarget = request.target;
    return result;
}

/// Signs in the query string (a presigned URL). The payload hash is that of request.body;
/// options.signBody does not apply. request.headers are all signed.
inline Signature signQuery(const Request &request, const AwsCredentials &credentials,
                           const Options &options)
{
    using detail::sigV4Encode;
    const detail::SigV4Scope scope = detail::sigV4Scope(credentials, options);
    const detail::SigV4CanonicalHeaders headers = detail::canonicalHeaders(request.headers);
    const QByteArray token = sigV4Encode(credentials.sessionToken.toUtf8());

    // In the order the AWS test suite appends them; the canonical query sorts them anyway.
    QList<detail::SigV4QueryParam> added{
            {QByteArrayLiteral("X-Amz-Algorithm"), detail::sigV4Algorithm},
            {QByteArrayLiteral("X-Amz-Credential"), sigV4Encode(scope.credential)},
            {QByteArrayLiteral("X-Amz-Date"), scope.amzDate},
            {QByteArrayLiteral("X-Amz-SignedHeaders"), sigV4Encode(headers.signedHeaders)},
            {QByteArrayLiteral("X-Amz-Expires"), QByteArray::number(options.expiresSeconds)},
    };
    if (!token.isEmpty() && !options.omitSessionToken)
        added.append({QByteArrayLiteral("X-Amz-Security-Token"), token});

    const auto [path, query] = detail::splitTarget(request.target);
    Signature result;
    result.canonicalRequest = detail::sigV4CanonicalRequest(
            request, path, detail::canonicalQuery(detail::queryParams(query) + added), headers,
            options.normalizePath);
    detail::sigV4Finish(result, scope);

    if (!token.isEmpty() && options.omitSessionToken)
        added.append({QByteArrayLiteral("X-Amz-Security-Token"), token});
    added.append({QByteArrayLiteral("X-Amz-Signature"), result.signature});

    result.signedTarget = request.target;
    if (!request.target.contains('?'))
        result.signedTarget += '?';
    else if (!request.target.endsWith('?') && !request.target.endsWith('&'))
        result.signedTarget += '&';
    for (qsizetype i = 0; i < added.size(); ++i) {
        if (i > 0)
            result.signedTarget += '&';
        result.signedTarget += added.at(i).first + '=' + added.at(i).second;
    }
    return result;
}

} // namespace imsa::sigv4
