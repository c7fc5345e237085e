using System.Text.Json.Serialization;

namespace CaseGrains.Domain;

/// <summary>案件类别 — what kind of case a number names.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<CaseKind>))]
public enum CaseKind
{
    /// <summary>信访件 — a petition (numbers <c>yyyy-XF-nnnn</c>).</summary>
    Petition,

    /// <summary>矛盾纠纷 — a civil dispute (numbers <c>yyyy-JF-nnnn</c>).</summary>
    Dispute,
}
