namespace CaseGrains.Server.Auth;

/// <summary>The roles of <c>api.md</c>.</summary>
public static class Roles
{
    /// <summary>Registers and updates cases of its townships; reads them with personal data.</summary>
    public const string Officer = "officer";

    /// <summary>Reads everything in scope, alerts, approves extensions, assigns leaders, keeps the roster.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Rollups and reports of its scope only; never personal data.</summary>
    public const string Reporter = "reporter";

    /// <summary>Everything, including creating townships.</summary>
    public const string Admin = "admin";

    /// <summary>Every role.</summary>
    public static readonly IReadOnlyList<string> All = [Officer, Supervisor, Reporter, Admin];
}

/// <summary>Named authorization policies: who may do what.</summary>
public static class Policies
{
    /// <summary>Read cases and townships (not reporters).</summary>
    public const string ReadCases = "read-cases";

    /// <summary>Register and update cases.</summary>
    public const string WriteCases = "write-cases";

    /// <summary>Assign the responsible leader (包案领导): a supervisor's decision, per api.md.</summary>
    public const string AssignLeaders = "assign-leaders";

    /// <summary>Approve extensions (supervisor only, and admin).</summary>
    public const string ApproveExtensions = "approve-extensions";

    /// <summary>Keep the roster.</summary>
    public const string KeepRoster = "keep-roster";

    /// <summary>Create townships.</summary>
    public const string Administer = "administer";

    /// <summary>Rollups and reports.</summary>
    public const string ReadRollups = "read-rollups";

    /// <summary>The roles each policy admits.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [ReadCases] = [Roles.Officer, Roles.Supervisor, Roles.Admin],
        [WriteCases] = [Roles.Officer, Roles.Admin],
        [AssignLeaders] = [Roles.Supervisor, Roles.Admin],
        [ApproveExtensions] = [Roles.Supervisor, Roles.Admin],
        [KeepRoster] = [Roles.Supervisor, Roles.Admin],
        [Administer] = [Roles.Admin],
        [ReadRollups] = [Roles.Reporter, Roles.Supervisor, Roles.Admin],
    };
}
