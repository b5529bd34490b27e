"""Hybrid QKD + ML-KEM-768 secured channel with ML-DSA-65 authenticated handshake and AES-256-GCM frames.

Session keys: K = HKDF-SHA256(ikm = K_QKD || ss_ML-KEM-768 || SHA-256(transcript), info = label), 64 bytes split
into one AES-256-GCM key per direction. An attacker must break both the QKD key and ML-KEM to learn K. When the QKD
link raises an eavesdropping alarm its key is dropped (the handshake marks it absent) and security rests on ML-KEM.

Authentication choice: each node holds a long-term ML-DSA-65 (FIPS 204) signing key whose public half the peer
knows in advance (provisioned by the operator). Both handshake messages are signed, the reply over the whole
transcript, so a man in the middle can neither swap the ML-KEM public key nor the ciphertext. We chose signatures
over a pre-shared MAC key because they need no shared secret per node pair and stay post-quantum.

Frames: header = version (1 B) | epoch (4 B) | sequence number (8 B), used as AES-GCM associated data; nonce =
epoch (4 B) | sequence number (8 B). Sequence numbers only grow within a key (and across one-way ratchets), so a
nonce never repeats under a key; after a fresh handshake they restart under the brand-new keys. A receiver
accepts exactly the next (epoch, seq) it expects: replayed, reordered or stale-epoch frames are rejected *before*
decryption; tampered ones fail the GCM tag, which ``cryptography`` checks before releasing any plaintext.
Rekeying: every ``rekey_after`` frames a direction ratchets its key one-way (HKDF of the old key); on a QKD alarm
the nodes run a fresh handshake. Old key bytes held in ``bytearray`` are overwritten (best effort: the
``cryptography`` AESGCM object keeps its own copy, which Python cannot wipe).

Primitives: ML-KEM-768 and ML-DSA-65 from ``pqcrypto`` (PQClean bindings), HKDF / AES-GCM / SHA-256 from
``cryptography``. Nothing is hand-rolled.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pqcrypto.kem import ml_kem_768
from pqcrypto.sign import ml_dsa_65

from qsec6g.errors import UserInputError

QKD_KEY_BYTES = 32
KEM_SECRET_BYTES = ml_kem_768.SHARED_SECRET_SIZE
VERSION = 1
_HEADER = struct.Struct(">BIQ")  # version, epoch, sequence number
_SESSION_INFO = b"qsec6g hybrid v1 session keys"
_RATCHET_INFO = b"qsec6g hybrid v1 ratchet"


class FrameRejected(Exception):
    """A frame was refused; ``reason`` is 'malformed', 'replay', 'reorder', 'stale-epoch' or 'tampered'."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class HandshakeError(Exception):
    """A handshake message failed to parse or its signature did not verify."""


def zeroise(buf: bytearray) -> None:
    """Overwrite a key buffer with zeros in place."""
    buf[:] = bytes(len(buf))


def check_qkd_key(qkd_key: bytes | None) -> None:
    """A QKD key must be exactly 32 bytes (256 bits) or None (no trusted QKD key)."""
    if qkd_key is not None and len(qkd_key) != QKD_KEY_BYTES:
        raise UserInputError(f"QKD key must be {QKD_KEY_BYTES} bytes (got {len(qkd_key)})")


def derive_session_keys(
    qkd_key: bytes | None, kem_secret: bytes, transcript_hash: bytes
) -> tuple[bytearray, bytearray]:
    """HKDF-SHA256(K_QKD || ss || transcript hash) -> (initiator-to-responder key, responder-to-initiator key)."""
    check_qkd_key(qkd_key)
    if len(kem_secret) != KEM_SECRET_BYTES:
        raise UserInputError(f"ML-KEM shared secret must be {KEM_SECRET_BYTES} bytes (got {len(kem_secret)})")
    if len(transcript_hash) != 32:
        raise UserInputError(f"transcript hash must be 32 bytes (got {len(transcript_hash)})")
    ikm = bytearray((qkd_key or b"") + kem_secret + transcript_hash)
    okm = bytearray(HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_SESSION_INFO).derive(bytes(ikm)))
    zeroise(ikm)
    keys = bytearray(okm[:32]), bytearray(okm[32:])
    zeroise(okm)
    return keys


def _pack(*fields: bytes) -> bytes:
    return b"".join(struct.pack(">I", len(f)) + f for f in fields)


def _unpack(data: bytes, count: int) -> list[bytes]:
    out, pos = [], 0
    for _ in range(count):
        if pos + 4 > len(data):
            raise HandshakeError("truncated handshake message")
        (n,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if pos + n > len(data):
            raise HandshakeError("truncated handshake message")
        out.append(data[pos : pos + n])
        pos += n
    if pos != len(data):
        raise HandshakeError("trailing bytes in handshake message")
    return out


@dataclass(frozen=True)
class Identity:
    """A node's long-term ML-DSA-65 signing key pair."""

    name: str
    public_key: bytes
    secret_key: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> "Identity":
        pk, sk = ml_dsa_65.keygen()
        return cls(name, pk, sk)

    def sign(self, message: bytes) -> bytes:
        return ml_dsa_65.sign(self.secret_key, message)


def _verify(public_key: bytes, message: bytes, signature: bytes) -> None:
    try:
        ml_dsa_65.verify(public_key, message, signature)
    except Exception as exc:  # pqcrypto raises InvalidSignatureError / ValueError
        raise HandshakeError(f"signature check failed: {exc}") from None


class Initiator:
    """Handshake side that opens the session (e.g. the DU): ephemeral ML-KEM key pair, signed hello."""

    def __init__(self, me: Identity, peer_public_key: bytes, qkd_key: bytes | None) -> None:
        check_qkd_key(qkd_key)
        self._me, self._peer, self._qkd = me, peer_public_key, qkd_key
        self._kem_pk, self._kem_sk = ml_kem_768.keygen()
        body = _pack(b"hello", me.name.encode(), self._kem_pk, os.urandom(32), b"\x01" if qkd_key else b"\x00")
        self.hello = _pack(body, me.sign(body))

    def finish(self, reply: bytes, rekey_after: int = 1 << 16) -> "SecureChannel":
        """Check the responder's signed reply, decapsulate, derive keys; returns the initiator's channel."""
        body, sig = _unpack(reply, 2)
        transcript = self.hello + body
        _verify(self._peer, hashlib.sha256(transcript).digest(), sig)
        tag, _name, ct, _nonce = _unpack(body, 4)
        if tag != b"reply" or len(ct) != ml_kem_768.CIPHERTEXT_SIZE:
            raise HandshakeError("not a handshake reply")
        secret = ml_kem_768.decaps(self._kem_sk, ct)
        self._kem_sk = b""  # one handshake per ephemeral key (bytes cannot be wiped; drop the reference)
        send, recv = derive_session_keys(self._qkd, secret, hashlib.sha256(transcript).digest())
        return SecureChannel(send, recv, rekey_after)


def respond(me: Identity, peer_public_key: bytes, qkd_key: bytes | None, hello: bytes,
            rekey_after: int = 1 << 16) -> tuple[bytes, "SecureChannel"]:
    """Responder side (e.g. the CU): verify the hello, encapsulate to its ML-KEM key, sign the transcript."""
    check_qkd_key(qkd_key)
    body, sig = _unpack(hello, 2)
    _verify(peer_public_key, body, sig)
    tag, _name, kem_pk, _nonce, qkd_flag = _unpack(body, 5)
    if tag != b"hello" or len(kem_pk) != ml_kem_768.PUBLIC_KEY_SIZE:
        raise HandshakeError("not a handshake hello")
    if qkd_flag != (b"\x01" if qkd_key else b"\x00"):
        raise HandshakeError("peers disagree on whether a QKD key is used")
    ct, secret = ml_kem_768.encaps(kem_pk)
    reply_body = _pack(b"reply", me.name.encode(), ct, os.urandom(32))
    transcript = hello + reply_body
    digest = hashlib.sha256(transcript).digest()
    to_responder, to_initiator = derive_session_keys(qkd_key, secret, digest)
    return _pack(reply_body, me.sign(digest)), SecureChannel(to_initiator, to_responder, rekey_after)


@dataclass
class _Direction:
    key: bytearray
    epoch: int = 0
    seq: int = 0  # next sequence number (restarts only with a fresh handshake's keys)
    in_epoch: int = 0  # frames under the current key
    aead: AESGCM = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.aead = AESGCM(bytes(self.key))

    def install(self, key: bytearray, epoch: int, restart: bool = False) -> None:
        """Switch to ``key`` (zeroising the old one); ``restart`` also restarts sequence numbers at 0."""
        zeroise(self.key)
        self.key, self.epoch, self.in_epoch = key, epoch, 0
        if restart:
            self.seq = 0
        self.aead = AESGCM(bytes(key))

    def ratchet(self) -> None:
        new = bytearray(HKDF(hashes.SHA256(), 32, salt=None, info=_RATCHET_INFO + struct.pack(">I", self.epoch + 1))
                        .derive(bytes(self.key)))
        self.install(new, self.epoch + 1)


class SecureChannel:
    """One end of an established session: ``seal`` outgoing frames, ``open`` incoming ones, strictly in order."""

    def __init__(self, send_key: bytearray, recv_key: bytearray, rekey_after: int = 1 << 16) -> None:
        if rekey_after < 1:
            raise UserInputError(f"rekey_after must be >= 1 (got {rekey_after})")
        self._send, self._recv = _Direction(send_key), _Direction(recv_key)
        self.rekey_after = rekey_after
        self.decrypt_calls = 0  # AES-GCM decryptions attempted (rejected frames never get here)

    @property
    def epochs(self) -> tuple[int, int]:
        """(send epoch, receive epoch)."""
        return self._send.epoch, self._recv.epoch

    def key_fingerprint(self) -> str:
        """SHA-256 prefix of the current send key, to show that a rekey changed it (never the key itself)."""
        return hashlib.sha256(bytes(self._send.key)).hexdigest()[:16]

    def seal(self, plaintext: bytes) -> bytes:
        d = self._send
        if d.in_epoch >= self.rekey_after:
            d.ratchet()
        header = _HEADER.pack(VERSION, d.epoch, d.seq)
        frame = header + d.aead.encrypt(header[1:], plaintext, header)
        d.seq += 1
        d.in_epoch += 1
        return frame

    def open(self, frame: bytes) -> bytes:
        if len(frame) < _HEADER.size + 16:
            raise FrameRejected("malformed", "frame shorter than header + tag")
        version, epoch, seq = _HEADER.unpack_from(frame)
        d = self._recv
        if version != VERSION:
            raise FrameRejected("malformed", f"unknown version {version}")
        if d.in_epoch >= self.rekey_after and epoch == d.epoch + 1:
            d.ratchet()
        if epoch != d.epoch:
            raise FrameRejected("stale-epoch", f"epoch {epoch}, expected {d.epoch}")
        if seq < d.seq:
            raise FrameRejected("replay", f"sequence {seq} already seen (next {d.seq})")
        if seq > d.seq:
            raise FrameRejected("reorder", f"sequence {seq} ahead of {d.seq}")
        header = frame[: _HEADER.size]
        self.decrypt_calls += 1
        try:
            plaintext = d.aead.decrypt(header[1:], frame[_HEADER.size :], header)
        except InvalidTag:
            raise FrameRejected("tampered", "authentication tag mismatch") from None
        d.seq += 1
        d.in_epoch += 1
        return plaintext

    def adopt(self, fresh: "SecureChannel") -> None:
        """Take the keys of a freshly handshaken channel: epochs advance, sequence numbers restart under the new
        keys (frames still in flight under the old keys are refused as stale); ``fresh`` is wiped."""
        self._send.install(bytearray(fresh._send.key), self._send.epoch + 1, restart=True)
        self._recv.install(bytearray(fresh._recv.key), self._recv.epoch + 1, restart=True)
        fresh.close()

    def close(self) -> None:
        """Zeroise both keys; the channel is unusable afterwards."""
        zeroise(self._send.key)
        zeroise(self._recv.key)


class HybridLink:
    """Both ends of a session in one process (initiator ``a``, responder ``b``), rekeying on QKD alarms.

    ``rekey(qkd_key)`` runs a fresh signed ML-KEM handshake and installs its keys on both ends; ``on_alarm`` is a
    ready-made :class:`~qsec6g.qkd.events.EventBus` handler that rekeys at once without the (suspect) QKD key.
    """

    def __init__(self, a: Identity, b: Identity, qkd_key: bytes | None, rekey_after: int = 1 << 16) -> None:
        self._a_id, self._b_id = a, b
        self.a, self.b = self._handshake(qkd_key, rekey_after)
        self.rekeys: list[str] = []

    def _handshake(self, qkd_key: bytes | None, rekey_after: int) -> tuple[SecureChannel, SecureChannel]:
        init = Initiator(self._a_id, self._b_id.public_key, qkd_key)
        reply, b = respond(self._b_id, self._a_id.public_key, qkd_key, init.hello, rekey_after)
        return init.finish(reply, rekey_after), b

    def rekey(self, qkd_key: bytes | None, reason: str) -> None:
        """Fresh handshake (new ML-KEM secret; ``qkd_key`` None = QKD key not trusted), installed on both ends."""
        new_a, new_b = self._handshake(qkd_key, self.a.rekey_after)
        self.a.adopt(new_a)
        self.b.adopt(new_b)
        self.rekeys.append(reason)

    def on_alarm(self, alarm: object) -> None:
        """Event handler: a QKD alarm makes the link rekey immediately from ML-KEM alone."""
        self.rekey(None, f"qkd-alarm: {getattr(alarm, 'reason', alarm)}")
