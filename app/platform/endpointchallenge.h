#pragma once

#include <QByteArrayView>

// The two headers of the challenge with which `imsa doctor` tells the running imsa from another
// program answering at the metadata endpoint (see service/endpointidentity.h): the CLI sends
// one, the service answers the other.
namespace imsa::app {

/// Request header with the doctor's challenge (1..64 of [A-Za-z0-9_-]).
inline constexpr QByteArrayView identityChallengeHeader{"x-imsa-challenge"};
/// Response header with the proof: hex HMAC-SHA256 of the challenge and the local endpoint.
inline constexpr QByteArrayView identityProofHeader{"x-imsa-proof"};
inline constexpr qsizetype maxChallengeLength = 64;

} // namespace imsa::app
