using System.Net;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Infrastructure;

/// <summary>What a node runs: the API with a silo beside it, or the API alone as an Orleans client (section <c>Orleans</c>).</summary>
public enum OrleansRole
{
    /// <summary>The API co-hosted with a silo (the default; the only role on SQLite).</summary>
    Silo,

    /// <summary>The API alone, as an Orleans client of the silos it finds in the PostgreSQL membership table.</summary>
    Gateway,
}

/// <summary>The silo's cluster and endpoints, or a gateway node's way to the silos (section <c>Orleans</c>).</summary>
public sealed class OrleansOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Orleans";

    /// <summary>Default cluster id: silos with the same id on one database form one cluster.</summary>
    public const string DefaultClusterId = "casegrains";

    /// <summary>Default silo-to-silo port.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>Default port Orleans clients (gateway nodes) connect to.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>Default address other silos reach this one at.</summary>
    public const string DefaultAdvertisedAddress = "127.0.0.1";

    /// <summary>Default wait for a silo's answer to a liveness probe.</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default number of missed probes after which a silo is suspected and voted dead.</summary>
    public const int DefaultMissedProbesLimit = 3;

    /// <summary>The service id: reminders and grain state belong to it across deployments of the cluster.</summary>
    public const string ServiceId = "casegrains";

    /// <summary>How often a gateway node re-reads the membership table for the silos' gateways.</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>How long a gateway node keeps trying to reach a silo at start before it gives up with one line.</summary>
    public static readonly TimeSpan GatewayConnectPatience = TimeSpan.FromMinutes(2);

    /// <summary><see cref="OrleansRole.Silo"/> (default) or <see cref="OrleansRole.Gateway"/>; a gateway needs PostgreSQL.</summary>
    public OrleansRole Role { get; set; } = OrleansRole.Silo;

    /// <summary>Silos with the same id on one database form one cluster.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>Port Orleans clients connect to.</summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>The address other silos and clients reach this silo at.</summary>
    public string AdvertisedAddress { get; set; } = DefaultAdvertisedAddress;

    /// <summary>How long a silo waits for another's answer to a liveness probe (Orleans' <c>ProbeTimeout</c>).</summary>
    public TimeSpan ProbeTimeout { get; set; } = DefaultProbeTimeout;

    /// <summary>Missed probes after which a silo is voted dead (Orleans' <c>NumMissedProbesLimit</c>); a killed silo's
    /// grains move to the others after about <see cref="ProbeTimeout"/> × this.</summary>
    public int MissedProbesLimit { get; set; } = DefaultMissedProbesLimit;
}

/// <summary>Checks <see cref="OrleansOptions"/> at start-up.</summary>
public sealed class OrleansOptionsValidator : IValidateOptions<OrleansOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OrleansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Role)) failures.Add("Orleans:Role must be Silo or Gateway.");
        if (string.IsNullOrWhiteSpace(options.ClusterId) || options.ClusterId.Length > 100
            || !options.ClusterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            failures.Add("Orleans:ClusterId must be 1 to 100 letters, digits, '-', '_' or '.'.");
        }
        if (options.SiloPort is < 1 or > 65535) failures.Add("Orleans:SiloPort must be between 1 and 65535.");
        if (options.GatewayPort is < 1 or > 65535) failures.Add("Orleans:GatewayPort must be between 1 and 65535.");
        if (options.SiloPort == options.GatewayPort) failures.Add("Orleans:SiloPort and Orleans:GatewayPort must differ.");
        if (options.ProbeTimeout < TimeSpan.FromMilliseconds(100) || options.ProbeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Orleans:ProbeTimeout must be between 00:00:00.1 and 00:05:00.");
        }
        if (options.MissedProbesLimit is < 1 or > 100) failures.Add("Orleans:MissedProbesLimit must be between 1 and 100.");
        if (!IPAddress.TryParse(options.AdvertisedAddress, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            failures.Add("Orleans:AdvertisedAddress must be an IP address other silos can reach (not 0.0.0.0).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Checks that a gateway node has a cluster to reach: it finds the silos in the PostgreSQL membership table, so a
/// gateway on SQLite (one silo, localhost clustering) has nobody to talk to.
/// </summary>
public sealed class OrleansRoleValidator(IOptions<CaseGrains.Storage.StorageOptions> storage) : IValidateOptions<OrleansOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OrleansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Role == OrleansRole.Gateway && storage.Value.Provider != CaseGrains.Storage.StorageProvider.PostgreSql
            ? ValidateOptionsResult.Fail("Orleans:Role=Gateway needs Storage:Provider=PostgreSql: a gateway node finds the silos in the PostgreSQL membership table.")
            : ValidateOptionsResult.Success;
    }
}
