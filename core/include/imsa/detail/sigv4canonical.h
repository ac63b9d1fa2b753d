#pragma once

#include <algorithm>
#include <map>
#include <utility>

#include <QByteArray>
#include <QByteArrayList>
#include <QList>

// The pieces of a SigV4 canonical request, as AWS defines them in "Create a canonical request for
// Signature Version 4" and as the aws-c-auth signing test suite (tests/data/sigv4) checks them.
namespace imsa::detail {

/// One query parameter, key and value already in SigV4 encoding.
using SigV4QueryParam = std::pair<QByteArray, QByteArray>;

/// SigV4 encoding: every byte but the RFC 3986 unreserved ones (and those in `keep`) as %XX with
/// upper-case hex. Not QByteArray::toPercentEncoding(): that always encodes '%', which an S3 path
/// must keep.
inline QByteArray sigV4Encode(const QByteArray &bytes, const QByteArray &keep = {})
{
    static constexpr char hex[] = "0123456789ABCDEF";
    QByteArray encoded;
    encoded.reserve(bytes.size());
    for (const char c : bytes) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved || keep.contains(c)) {
            encoded += c;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        encoded += '%';
        encoded += hex[byte >> 4];
        encoded += hex[byte & 0x0F];
    }
    return encoded;
}

/// Splits a request-target into its path and its query (without the '?').
inline std::pair<QByteArray, QByteArray> splitTarget(const QByteArray &target)
{
    const qsizetype question = target.indexOf('?');
    if (question < 0)
        return {target, {}};
    return {target.left(question), target.mid(question + 1)};
}

/// RFC 3986 remove_dot_segments, plus collapsing empty segments ("//"), which AWS services other
/// than S3 do before signing. A trailing slash survives, including one implied by "." or "..".
inline QByteArray normalizePath(const QByteArray &path)
{
    const QByteArrayList segments = path.split('/');
    QByteArrayList kept;
    for (const QByteArray &segment : segments) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!kept.isEmpty())
                kept.removeLast();
            continue;
        }
        kept.append(segment);
    }
    QByteArray normalized = '/' + kept.join('/');
    const QByteArray &last = segments.constLast();
    if (!kept.isEmpty() && (last.isEmpty() || last == "." || last == ".."))
        normalized += '/';
    return normalized;
}

/// The canonical URI. The path of a request-target is already percent-encoded on the wire.
/// Normalizing services (all but S3) encode it a second time, so an existing "%20" becomes
/// "%2520" (botocore SigV4Auth does the same). S3 signs the path as sent: only bytes that may not
/// appear raw in a path (a space, UTF-8) are encoded, and existing escapes are kept.
inline QByteArray canonicalUri(const QByteArray &path, bool normalize)
{
    if (normalize)
        return sigV4Encode(normalizePath(path), QByteArrayLiteral("/"));
    if (path.isEmpty())
        return QByteArrayLiteral("/");
    return sigV4Encode(path, QByteArrayLiteral("/%"));
}

/// Parses a raw query into SigV4-encoded parameters. Each key and value is decoded first so that
/// a parameter sent raw ("ሴ=bar") and one sent encoded ("%E1%88%B4=bar") sign the same. A key
/// without '=' gets an empty value; empty pieces ("a=1&&b=2") are not parameters. '+' is a literal
/// plus, as in RFC 3986: SigV4 never encodes a space as '+'.
inline QList<SigV4QueryParam> queryParams(const QByteArray &query)
{
    QList<SigV4QueryParam> params;
    const QByteArrayList pieces = query.split('&');
    for (const QByteArray &piece : pieces) {
        if (piece.isEmpty())
            continue;
        const qsizetype equals = piece.indexOf('=');
        const QByteArray key = equals < 0 ? piece : piece.left(equals);
        const QByteArray value = equals < 0 ? QByteArray() : piece.mid(equals + 1);
        params.append({sigV4Encode(QByteArray::fromPercentEncoding(key)),
                       sigV4Encode(QByteArray::fromPercentEncoding(value))});
    }
    return params;
}

/// The canonical query string: parameters sorted by encoded key, then encoded value.
inline QByteArray canonicalQuery(QList<SigV4QueryParam> params)
{
    std::sort(params.begin(), params.end());
    QByteArray query;
    for (const SigV4QueryParam &param : std::as_const(params)) {
        if (!query.isEmpty())
            query += '&';
        query += param.first + '=' + param.second;
    }
    return query;
}

struct SigV4CanonicalHeaders
{
    QByteArray block; ///< "name:value\n" per header, sorted by name
    QByteArray signedHeaders; ///< "name;name;..."
};

/// Names lower-cased and sorted; each value trimmed with inner whitespace runs (including the
/// line breaks of folded values) collapsed to one space; repeated names joined with ',' in the
/// order received.
inline SigV4CanonicalHeaders
canonicalHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    std::map<QByteArray, QByteArray> merged;
    for (const auto &[name, value] : headers) {
        const auto [it, inserted] =
                merged.try_emplace(name.trimmed().toLower(), value.simplified());
        if (!inserted)
            it->second += ',' + value.simplified();
    }
    SigV4CanonicalHeaders canonical;
    for (const auto &[name, value] : merged) {
        canonical.block += name + ':' + value + '\n';
        if (!canonical.signedHeaders.isEmpty())
            canonical.signedHeaders += ';';
        canonical.signedHeaders += name;
    }
    return canonical;
}

} // namespace imsa::detail
