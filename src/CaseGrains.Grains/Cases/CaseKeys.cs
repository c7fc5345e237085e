namespace CaseGrains.Grains.Cases;

/// <summary>Grain type names (stable: they are stored in stream ids) and case grain keys.</summary>
public static class GrainTypes
{
    /// <summary>信访件 grains.</summary>
    public const string Petition = "petition";

    /// <summary>矛盾纠纷 grains.</summary>
    public const string Dispute = "dispute";

    /// <summary>乡镇 grains.</summary>
    public const string Township = "township";

    /// <summary>The key of a case grain: its township and its case number.</summary>
    public static string CaseKey(string townshipId, string caseId) => $"{townshipId}/{caseId}";
}
