namespace CaseGrains.Runtime.Hosting;

/// <summary>A grain's identity: its type name and its key. It exists logically forever.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    /// <summary>The event stream of this grain.</summary>
    public string StreamId => $"{Type}/{Key}";

    /// <inheritdoc />
    public override string ToString() => StreamId;
}
