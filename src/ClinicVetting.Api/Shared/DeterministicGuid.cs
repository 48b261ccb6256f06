using System.Security.Cryptography;
using System.Text;

namespace ClinicVetting.Shared;

/// <summary>Name-based UUIDs (RFC 9562 version 5): the same namespace and name always give the same id.</summary>
public static class DeterministicGuid
{
    public static Guid Create(Guid @namespace, string name)
    {
        Span<byte> input = stackalloc byte[16];
        @namespace.TryWriteBytes(input, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);

        var buffer = new byte[16 + nameBytes.Length];
        input.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(buffer, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        return new Guid(uuid, bigEndian: true);
    }
}
